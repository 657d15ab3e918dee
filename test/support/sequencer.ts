/*
 * The run's file order (vite.config.ts, `sequence.sequencer`): Vitest's own
 * (files that failed or took longest last time first), with the `serial`
 * project's files, which run one at a time (test/support/one-at-a-time.ts),
 * spread over the `parallel` project's files by their last durations: the k-th
 * of n starts once the files ahead of it add up to k/(n+1) of the parallel
 * files' time, and none among the first files, which start while the run's
 * one-off builds fill the machine (a serial file waits for its child process
 * within fixed times). One of them then runs beside the others at any moment,
 * and a worker seldom waits for the previous one to end. Without durations (a
 * fresh clone) they are spread by position.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export default class SpreadSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const serial = sorted.filter((f) => f.project.name === 'serial');
    const others = sorted.filter((f) => f.project.name !== 'serial');
    if (!serial.length || !others.length) return sorted;
    const duration = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`)?.duration ?? 0;
    const known = others.map(duration);
    const weights = known.some((d) => d > 0) ? known : others.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const workers = files[0]!.project.config.maxWorkers;
    const out: TestSpecification[] = [];
    let before = 0;
    let next = 0;
    others.forEach((file, i) => {
      if (i >= workers)
        while (next < serial.length && before >= ((next + 1) / (serial.length + 1)) * total) out.push(serial[next++]!);
      out.push(file);
      before += weights[i]!;
    });
    out.push(...serial.slice(next));
    return out;
  }
}
