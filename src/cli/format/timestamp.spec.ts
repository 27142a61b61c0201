import { formatCtime, formatTimestamp } from './timestamp';

describe('timestamps', () => {
  it('writes local YYYY-MM-DDTHH:MM:SS', () => {
    expect(formatTimestamp(new Date(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02T03:04:05');
  });

  it("writes squeue -l's date line like slurm_ctime2", () => {
    expect(formatCtime(new Date(2026, 10, 21, 16, 29, 3))).toBe('Sat Nov 21 16:29:03 2026');
    expect(formatCtime(new Date(2026, 1, 1, 7, 0, 0))).toBe('Sun Feb 01 07:00:00 2026');
  });
});
