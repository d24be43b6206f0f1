// alu.ts against the ISA table: both record which flags the SDM leaves undefined, and they must
// agree (the differential test masks their union). The flag arithmetic itself is checked against
// the host CPU by differential.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE } from '../../emulator/isa/table';
import { UNDEFINED_FLAGS, undefinedFlags, STATUS } from '../../emulator/cpu/alu';
import { F } from '../../emulator/cpu/state';

test('undefined flags: alu.ts and isa/table.ts agree per op', () => {
  for (const form of TABLE) {
    const mine = UNDEFINED_FLAGS[form.op];
    if (mine === undefined) {
      assert.equal(form.undefMask, 0, `${form.op}: table has undefined flags alu.ts does not know`);
    } else if (typeof mine === 'number') {
      assert.equal(mine, form.undefMask, form.op);
    } else {
      // count-dependent (shifts/rotates): a 1-bit shift leaves exactly the table's static set undefined
      assert.equal(undefinedFlags(form.op, 1, 4), form.undefMask, form.op);
    }
  }
});

test('count-dependent rules', () => {
  assert.equal(undefinedFlags('shl', 0, 4), 0); // masked count 0: nothing changes
  assert.equal(undefinedFlags('shl', 32, 4), 0); // 32 & 31 = 0
  assert.equal(undefinedFlags('shl', 2, 4), F.AF | F.OF);
  assert.equal(undefinedFlags('shl', 9, 1), F.AF | F.OF | F.CF); // count beyond an 8-bit operand
  assert.equal(undefinedFlags('rcl', 1, 8), 0);
  assert.equal(undefinedFlags('shld', 17, 2), STATUS);
});
