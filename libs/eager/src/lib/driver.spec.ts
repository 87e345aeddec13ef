import { Driver, type Pump } from './driver';

const counting = (log: string[], name: string, n: number, remove: () => () => void = () => () => undefined): Pump & { left: number } => {
  const pump = {
    left: n,
    step() {
      log.push(name);
      if (--pump.left === 0) remove()();
    },
  };
  return pump;
};

describe('Driver', () => {
  it('pulls ready pumps in turn, least recently pulled first, until none is left', () => {
    const log: string[] = [];
    const driver = new Driver(() => undefined);
    const removers: Record<string, () => void> = {};
    removers.a = driver.add(counting(log, 'a', 3, () => removers.a));
    removers.b = driver.add(counting(log, 'b', 1, () => removers.b));
    removers.c = driver.add(counting(log, 'c', 2, () => removers.c));
    driver.run();
    expect(log).toEqual(['a', 'b', 'c', 'a', 'c', 'a']);
    expect(driver.step()).toBe(false);
  });

  it('skips a pump while a gate in force when it was added is closed', () => {
    const log: string[] = [];
    const driver = new Driver(() => undefined);
    let open = false;
    driver.gated(
      () => open,
      () => driver.add({ step: () => void log.push('gated') }),
    );
    driver.add({ step: () => void log.push('free') });
    expect(driver.step()).toBe(true);
    expect(driver.step()).toBe(true);
    expect(log).toEqual(['free', 'free']);
    open = true;
    driver.step();
    expect(log).toEqual(['free', 'free', 'gated']);
  });

  it('composes nested gates: all must be open', () => {
    const driver = new Driver(() => undefined);
    const gates = { outer: true, inner: false };
    let pulled = 0;
    driver.gated(
      () => gates.outer,
      () => driver.gated(() => gates.inner, () => driver.add({ step: () => void pulled++ })),
    );
    expect(driver.step()).toBe(false);
    gates.inner = true;
    expect(driver.step()).toBe(true);
    gates.outer = false;
    expect(driver.step()).toBe(false);
    expect(pulled).toBe(1);
  });

  it('awaits an async step before the next pull, and a kick during it does not start a second loop', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const driver: Driver = new Driver(() => driver.run());
    let n = 3;
    const remove = driver.add({
      step: async () => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        driver.kick();
        await new Promise((r) => setTimeout(r, 1));
        log.push(`step ${n}`);
        inFlight--;
        if (--n === 0) remove();
      },
    });
    driver.run();
    await new Promise((r) => setTimeout(r, 30));
    expect(log).toEqual(['step 3', 'step 2', 'step 1']);
    expect(maxInFlight).toBe(1);
  });

  it('starts push sources once, on the first step, and not after their cancellation', () => {
    const driver = new Driver(() => undefined);
    const started: string[] = [];
    driver.onStart(() => started.push('kept'));
    const cancel = driver.onStart(() => started.push('cancelled'));
    cancel();
    driver.step();
    driver.step();
    expect(started).toEqual(['kept']);
  });

  it('pulls nothing after stop, and kicks no more', () => {
    let kicks = 0;
    const driver = new Driver(() => kicks++);
    let pulled = 0;
    driver.add({ step: () => void pulled++ });
    driver.kick();
    driver.stop();
    driver.kick();
    expect(driver.step()).toBe(false);
    expect(pulled).toBe(0);
    expect(kicks).toBe(1);
  });
});
