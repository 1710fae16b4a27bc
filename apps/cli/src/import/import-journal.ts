// The resumption journal: units answered by the server, written (atomically, by rename) after
// each one, so a run stopped by Ctrl-C or a crash picks up where it left off.
import { readFile, rename, writeFile } from 'node:fs/promises';

export interface JournalRecord {
  resources: number;
  /** Entries the server refused (batch) or that never left (bad NDJSON lines). */
  failed: number;
}

interface JournalFile {
  version: 1;
  done: Record<string, JournalRecord>;
}

export class ImportJournal {
  readonly path: string;
  readonly done: Map<string, JournalRecord>;
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string, done: Map<string, JournalRecord>) {
    this.path = path;
    this.done = done;
  }

  /** The journal at `path`, or an empty one when `fresh`, missing or unreadable. */
  static async open(path: string, fresh: boolean): Promise<ImportJournal> {
    if (fresh) return new ImportJournal(path, new Map());
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<JournalFile>;
      if (parsed.version === 1 && typeof parsed.done === 'object' && parsed.done !== null)
        return new ImportJournal(path, new Map(Object.entries(parsed.done)));
    } catch {
      // Missing or torn: start over (every unit is safe to send again).
    }
    return new ImportJournal(path, new Map());
  }

  /** Records a unit as done; writes are serialized so the file is always one whole snapshot. */
  record(key: string, record: JournalRecord): Promise<void> {
    this.done.set(key, record);
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  async #write(): Promise<void> {
    const file: JournalFile = { version: 1, done: Object.fromEntries(this.done) };
    const temporary = `${this.path}.tmp`;
    await writeFile(temporary, JSON.stringify(file));
    await rename(temporary, this.path);
  }
}
