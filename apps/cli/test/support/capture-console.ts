// Captures what a command prints, so tests can assert on help texts and error messages.
import { vi } from 'vitest';

export interface Captured {
  out: string;
  err: string;
}

export async function captureConsole<T>(work: () => Promise<T>): Promise<Captured & { result: T }> {
  const captured: Captured = { out: '', err: '' };
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    captured.out += `${parts.join(' ')}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    captured.err += `${parts.join(' ')}\n`;
  });
  try {
    const result = await work();
    return { ...captured, result };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
