// Diagnostics come from the emulator's own assembler, file by file (analyze: parse, expand macros,
// encode, but no link, so a symbol another file defines is not an error here).

import { analyze } from '../../emulator/asm/index';
import type { AssemblerCheck } from './service';

export const assemblerCheck: AssemblerCheck = (file, readInclude) => analyze(file, { readInclude }).diagnostics;
