/** Lease renewals over one LeaseKeepAlive stream, shared by every lease of a client. */
import type { IDuplexStream, ILeaseKeepAliveRequest, ILeaseKeepAliveResponse, LeaseClient } from 'etcd3';
import { monotonicMs } from '../../clock.js';
import { shortGrpcMessage } from './connection.js';

type KeepaliveStream = IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;

interface PendingRenewal {
  readonly id: string;
  readonly sentAt: number;
  readonly resolve: (ttlSeconds: number) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Sends keepalives for any number of leases on one stream. etcd answers the
 * requests of a stream one by one, in order, so answers are matched to a FIFO
 * of pending renewals. A stream that fails, or leaves the oldest renewal
 * unanswered for `timeoutMs`, rejects everything pending; the next renewal
 * opens a new stream.
 */
export class LeaseKeepalive {
  private stream: KeepaliveStream | undefined;
  private opening: Promise<KeepaliveStream> | undefined;
  private pending: PendingRenewal[] = [];
  private watchdog: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly leases: LeaseClient,
    private readonly timeoutMs: number,
  ) {}

  /** Renews lease `id` once: resolves with the TTL (s) etcd granted anew, 0 when the lease is gone. */
  async renew(id: string): Promise<number> {
    const stream = this.stream ?? (await this.open());
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ id, sentAt: monotonicMs(), resolve, reject });
      stream.write({ ID: id });
    });
  }

  /** Ends the stream; pending renewals are rejected. */
  close(): void {
    this.closed = true;
    this.fail(new Error('etcd client closed'));
  }

  private open(): Promise<KeepaliveStream> {
    if (this.closed) return Promise.reject(new Error('etcd client closed'));
    this.opening ??= this.leases.leaseKeepAlive().then(
      (stream) => {
        this.opening = undefined;
        stream.on('data', (answer) => this.answered(stream, answer));
        stream.on('error', (error) => this.failed(stream, error));
        stream.on('end', () => this.failed(stream, new Error('the stream ended')));
        if (this.closed) {
          stream.cancel();
          throw new Error('etcd client closed');
        }
        this.stream = stream;
        this.watchdog = setInterval(() => this.checkOverdue(), Math.min(1_000, this.timeoutMs));
        this.watchdog.unref();
        return stream;
      },
      (error: Error) => {
        this.opening = undefined;
        throw new Error(`etcd keepalive: ${shortGrpcMessage(error.message)}`);
      },
    );
    return this.opening;
  }

  private answered(stream: KeepaliveStream, answer: ILeaseKeepAliveResponse): void {
    if (stream !== this.stream) return;
    const renewal = this.pending.shift();
    if (!renewal) return;
    if (renewal.id !== answer.ID) {
      renewal.reject(new Error('etcd keepalive: answers out of order'));
      this.fail(new Error('etcd keepalive: answers out of order'));
      return;
    }
    renewal.resolve(Number(answer.TTL));
  }

  private failed(stream: KeepaliveStream, error: Error): void {
    if (stream === this.stream) this.fail(new Error(`etcd keepalive: ${shortGrpcMessage(error.message)}`));
  }

  private checkOverdue(): void {
    const oldest = this.pending[0];
    if (oldest && monotonicMs() - oldest.sentAt > this.timeoutMs) this.fail(new Error(`etcd keepalive: no answer within ${this.timeoutMs} ms`));
  }

  private fail(error: Error): void {
    const stream = this.stream;
    this.stream = undefined;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    const pending = this.pending;
    this.pending = [];
    for (const renewal of pending) renewal.reject(error);
    stream?.cancel();
  }
}
