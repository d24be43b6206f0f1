// A macrotask turn, so requests (pause, disconnect) get in between slices of guest execution.
// Node has setImmediate; a browser extension host does not, and its setTimeout(0) is clamped to
// 4 ms after a few nestings, so there a MessageChannel message does the same job.

type Task = () => void;

const schedule: (task: Task) => void = (() => {
  const g = globalThis as { setImmediate?: (f: Task) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') return (task: Task) => { g.setImmediate!(task); };
  if (typeof g.MessageChannel === 'function') {
    const queue: Task[] = [];
    const channel = new g.MessageChannel();
    channel.port1.onmessage = () => queue.shift()?.();
    return (task: Task) => { queue.push(task); channel.port2.postMessage(0); };
  }
  return (task: Task) => { setTimeout(task, 0); };
})();

/** Run `task` on a later macrotask. */
export function later(task: Task): void {
  schedule(task);
}

/** Resolve on a later macrotask. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}
