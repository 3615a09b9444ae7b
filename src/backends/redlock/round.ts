import { failureReason, type NodeClient, type RedlockNode } from './node.js';

/** How one node answered one round. */
export const Answer = {
  /** no answer yet */
  pending: 0,
  /** answered with a number (`Round.values`) */
  replied: 1,
  /** the command failed after it was sent (it may still have run on the node) */
  failed: 2,
  /** not connected: the command was not sent */
  notSent: 3,
  /** no answer within the node timeout (it may still run on the node) */
  timedOut: 4,
  /** the round ended (enough positive replies) before this node answered; it may still run there */
  notAwaited: 5,
  /** not waited for, and answered after the round ended */
  late: 6,
} as const;
export type Answer = (typeof Answer)[keyof typeof Answer];

/** One lock command, the same for every node; `arg` is the ttl or the fence. */
export type Step = (client: NodeClient, lockKey: string, fenceKey: string, token: string, arg: number) => Promise<number>;

/**
 * The answers of a set of nodes to one step sent to all of them at once. Once
 * resolved, its counts no longer change; a node that was not waited for is
 * still watched until it answers or the node timeout passes, so it is counted
 * in the node's errors or timeouts all the same (its answer turns `late`).
 */
export class Round {
  readonly answers: Uint8Array;
  /** each node's reply, where its answer is `replied` */
  readonly values: Float64Array;
  /** replies > 0 (granted, released, extended, raised) */
  positive = 0;
  /** nodes that replied at all */
  replied = 0;
  /** nodes that failed, were not connected or timed out: the round could not count on them */
  unreachable = 0;
  /** why nodes did not answer, by index; allocated on the first failure only */
  private reasons: Array<string | undefined> | undefined;
  /** nodes whose command has not settled (also after the round resolved) */
  private unsettled: number;
  private resolved = false;
  /** the node timeout has passed: every node silent until then was counted as timed out */
  private expired = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly nodes: readonly RedlockNode[],
    private readonly timeoutMs: number,
    private readonly enough: number,
    private readonly resolve: (round: Round) => void,
  ) {
    this.answers = new Uint8Array(nodes.length);
    this.values = new Float64Array(nodes.length);
    this.unsettled = nodes.length;
  }

  /**
   * Sends `step` to every node at once and resolves when all have answered,
   * when `enough` of them replied positively (the others are not waited for),
   * or when `timeoutMs` has passed (the nodes still silent count as timed out).
   * Never rejects: failures are answers of the round, counted per node.
   */
  static ask(
    nodes: readonly RedlockNode[],
    timeoutMs: number,
    enough: number,
    step: Step,
    lockKey: string,
    fenceKey: string,
    token: string,
    arg: number,
  ): Promise<Round> {
    return new Promise((resolve) => {
      const round = new Round(nodes, timeoutMs, enough, resolve);
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i];
        if (!node.ready) {
          round.fail(i, undefined, false);
          continue;
        }
        step(node.client, lockKey, fenceKey, token, arg).then(
          (value) => round.reply(i, value),
          (error: unknown) => round.fail(i, error, true),
        );
      }
      round.resolveIfDecided();
      // the check phase (setImmediate) comes after the poll phase: answers that
      // reached the socket in time are read first, even when the event loop lags
      if (round.unsettled > 0) round.timer = setTimeout(() => setImmediate(() => round.timeOut()), timeoutMs);
    });
  }

  /** `host:port reason` of each node that did not answer, for messages. */
  describeUnreachable(): string {
    const parts: string[] = [];
    for (let i = 0; i < this.answers.length; i++) {
      const reason = this.reasons?.[i];
      if (reason !== undefined) parts.push(`${this.nodes[i].address} ${reason}`);
    }
    return parts.join(', ');
  }

  private reply(index: number, value: number): void {
    if (!this.settle()) return;
    if (this.answers[index] === Answer.notAwaited) {
      this.answers[index] = Answer.late;
      return;
    }
    this.answers[index] = Answer.replied;
    this.values[index] = value;
    this.replied++;
    if (value > 0) this.positive++;
    this.resolveIfDecided();
  }

  private fail(index: number, error: unknown, sent: boolean): void {
    if (!this.settle()) return;
    this.nodes[index].errors++;
    if (this.answers[index] === Answer.notAwaited) {
      this.answers[index] = Answer.late;
      return;
    }
    this.answers[index] = sent ? Answer.failed : Answer.notSent;
    this.noteUnreachable(index, sent ? failureReason(error) : 'not connected');
    this.resolveIfDecided();
  }

  /** Counts node `index` as settled; false when the node timeout has already passed (it was counted then). */
  private settle(): boolean {
    if (this.expired) return false;
    if (--this.unsettled === 0) clearTimeout(this.timer);
    return true;
  }

  /** The node timeout ran out: every node still silent timed out (after the round resolved: counted only). */
  private timeOut(): void {
    this.expired = true;
    for (let i = 0; i < this.answers.length; i++) {
      const answer = this.answers[i];
      if (answer !== Answer.pending && answer !== Answer.notAwaited) continue;
      this.nodes[i].timeouts++;
      if (answer === Answer.notAwaited) continue;
      this.answers[i] = Answer.timedOut;
      this.noteUnreachable(i, `no answer within ${this.timeoutMs} ms`);
    }
    this.resolveIfDecided();
  }

  private noteUnreachable(index: number, reason: string): void {
    this.unreachable++;
    (this.reasons ??= new Array(this.nodes.length))[index] = reason;
  }

  /** Resolves once every node has answered or enough replied positively. */
  private resolveIfDecided(): void {
    if (this.resolved) return;
    const waiting = this.nodes.length - this.replied - this.unreachable;
    if (waiting > 0 && this.positive < this.enough) return;
    for (let i = 0; i < this.answers.length; i++) if (this.answers[i] === Answer.pending) this.answers[i] = Answer.notAwaited;
    this.resolved = true;
    this.resolve(this);
  }
}
