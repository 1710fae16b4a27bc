// How to start this same program again for a child: the same node binary, the same loader flags
// (so `--import tsx` carries over from source; the bundle needs none) and the same script.

export interface SelfInvocation {
  command: string;
  args: string[];
}

/** Debugger flags are dropped: every child would otherwise try to bind the same inspector port. */
export function selfInvocation(
  execPath = process.execPath,
  execArgv = process.execArgv,
  script = process.argv[1],
): SelfInvocation {
  if (!script) throw new Error('cannot tell which script is running (process.argv[1] is empty)');
  const flags = execArgv.filter((flag) => !/^--inspect(-brk|-wait|-port)?(=|$)/.test(flag));
  return { command: execPath, args: [...flags, script] };
}
