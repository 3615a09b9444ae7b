/** Waiting for the deletion of one key: the watches of a client, over one Watch stream. */
import { FilterType, type IDuplexStream, type IWatchRequest, type IWatchResponse, type WatchClient } from 'etcd3';

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

/** Called once: the key was deleted, or the watch broke (the caller then re-checks the queue). */
export type Wake = () => void;

const NO_PUTS = [FilterType.Noput];

/**
 * Multiplexes watches on one stream with client-chosen watch ids (etcd ≥ 3.4),
 * so creating a watch needs no round trip of its own: a waiter's watch is
 * written and its events routed by id. A broken stream wakes every waiter;
 * the next watch opens a new stream.
 */
export class DeletionWatches {
  private stream: WatchStream | undefined;
  private opening: Promise<WatchStream> | undefined;
  /** watch id → its waiter's wake (undefined once woken, until cancelled) */
  private readonly watches = new Map<string, Wake | undefined>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly client: WatchClient) {}

  /**
   * Watches `key` for a DELETE from revision `fromRevision` on (so a deletion
   * between the caller's read and this watch is replayed). Resolves with the
   * watch id for `cancel`.
   */
  async watchDeletion(key: Buffer, fromRevision: number, wake: Wake): Promise<number> {
    const stream = this.stream ?? (await this.open());
    const id = this.nextId++;
    this.watches.set(String(id), wake);
    stream.write({ create_request: { key, start_revision: fromRevision, filters: NO_PUTS, watch_id: id } });
    return id;
  }

  /** Ends watch `id` (woken or not). */
  cancel(id: number): void {
    if (this.watches.delete(String(id))) this.stream?.write({ cancel_request: { watch_id: id } });
  }

  /** Ends the stream, waking every waiter. */
  close(): void {
    this.closed = true;
    this.fail();
  }

  private open(): Promise<WatchStream> {
    if (this.closed) return Promise.reject(new Error('etcd client closed'));
    this.opening ??= this.client.watch().then((stream) => {
      this.opening = undefined;
      stream.on('data', (response) => this.received(stream, response));
      stream.on('error', () => this.broken(stream));
      stream.on('end', () => this.broken(stream));
      if (this.closed) {
        stream.cancel();
        throw new Error('etcd client closed');
      }
      this.stream = stream;
      return stream;
    });
    return this.opening.catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
  }

  private received(stream: WatchStream, response: IWatchResponse): void {
    if (stream !== this.stream) return;
    // created: nothing happened yet; events (deletes only) or a cancel (compaction): wake
    if (response.events.length === 0 && !response.canceled) return;
    const id = response.watch_id;
    const wake = this.watches.get(id);
    if (!wake) return;
    if (response.canceled) this.watches.delete(id);
    else this.watches.set(id, undefined);
    wake();
  }

  private broken(stream: WatchStream): void {
    if (stream === this.stream) this.fail();
  }

  private fail(): void {
    const stream = this.stream;
    this.stream = undefined;
    const wakes = [...this.watches.values()];
    this.watches.clear();
    for (const wake of wakes) wake?.();
    stream?.cancel();
  }
}
