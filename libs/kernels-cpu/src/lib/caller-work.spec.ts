import { offerCallerWork, takeCallerWork } from './caller-work';

describe('offerCallerWork / takeCallerWork', () => {
  it('offers the task for the length of the body only, once, and restores an outer offer', () => {
    const ran: string[] = [];
    expect(takeCallerWork()).toBeNull();
    const result = offerCallerWork(() => ran.push('outer'), () => {
      offerCallerWork(() => ran.push('inner'), () => takeCallerWork()?.());
      const outer = takeCallerWork();
      expect(takeCallerWork()).toBeNull(); // taken once
      outer?.();
      return 42;
    });
    expect(result).toBe(42);
    expect(ran).toEqual(['inner', 'outer']);
    expect(takeCallerWork()).toBeNull();
  });

  it('withdraws the offer when the body throws, and runs nothing nobody took', () => {
    let ran = false;
    expect(() => offerCallerWork(() => (ran = true), () => {
      throw new Error('stage failed');
    })).toThrow('stage failed');
    expect(takeCallerWork()).toBeNull();
    expect(ran).toBe(false);
  });
});
