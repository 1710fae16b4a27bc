// A service process the fault tests kill with SIGKILL. HL_FAULT_ROLE says where it stops: it prints
// `state:<name>` when it gets there and then hangs, so the parent kills it at a known point, not a guess.
import type { Bus } from '../../src/index.ts';
import { ackWaitMs, applyNote, filter, group, openStack, type StackEnv, writeNote } from './fault-app.ts';

const hang = () => new Promise<never>(() => {});
const reach = (state: string) => process.stdout.write(`state:${state}\n`);
const env = process.env as StackEnv & { HL_FAULT_ROLE?: string; HL_FAULT_NOTE?: string };
const noteId = env.HL_FAULT_NOTE ?? 'note';

switch (env.HL_FAULT_ROLE) {
  case 'commit-then-die': {
    // (a) data and event committed; the relay never runs.
    const stack = await openStack(env);
    await writeNote(stack, noteId);
    reach('committed');
    break;
  }
  case 'publish-then-die': {
    // (b) the relay publishes, then stops before it can mark the row sent.
    const stopAfterPublish = (bus: Bus): Bus => ({
      ...bus,
      kind: bus.kind,
      publish: async (subject, data, options) => {
        await bus.publish(subject, data, options);
        reach('published');
        await hang();
      },
      publishBatch: async (messages) => {
        await bus.publishBatch(messages);
        reach('published');
        await hang();
      },
    });
    const stack = await openStack(env, stopAfterPublish);
    await writeNote(stack, noteId);
    stack.outbox.start();
    stack.outbox.kick();
    break;
  }
  case 'apply-then-die':
  case 'receive-then-die': {
    // (c) a consumer that dies before acknowledging: after committing its effect, or before.
    const stack = await openStack(env);
    const apply = applyNote(stack.db);
    await stack.bus.subscribe<{ noteId: string }>({
      subject: filter,
      group,
      ackWaitMs,
      handler: async (message) => {
        if (message.data.noteId !== noteId) return;
        if (env.HL_FAULT_ROLE === 'apply-then-die') {
          await apply(message);
          reach('applied');
        } else {
          reach('received');
        }
        await hang();
      },
    });
    await writeNote(stack, noteId);
    stack.outbox.start();
    stack.outbox.kick();
    break;
  }
  default:
    throw new Error(`unknown HL_FAULT_ROLE '${env.HL_FAULT_ROLE}'`);
}
await hang();
