/** Connecting to etcd: endpoints and credentials from the spec, the gRPC client, the reachability check. */
import { noop } from 'cockatiel';
import { Etcd3, EtcdAuthenticationFailedError, GRPCDeadlineExceededError, type IOptions } from 'etcd3';
import { BackendUnavailableError } from '../../errors.js';
import type { BackendSpecOf } from '../../scenario/types.js';

type EtcdSpec = BackendSpecOf<'etcd'>;

/** Where to connect and as whom; `addresses` (host:port, …) is what messages name. */
export interface EtcdEndpoints {
  /** `http://host:port` without user info, as the gRPC client wants them */
  readonly hosts: readonly string[];
  readonly addresses: string;
  readonly auth?: { readonly username: string; readonly password: string };
}

const DEFAULT_PORT = '2379';

/**
 * Splits the spec's URLs into hosts and credentials. `username`/`password` of
 * the spec win over user info in a URL (`http://user:secret@host:2379`).
 */
export function endpointsOf(spec: EtcdSpec): EtcdEndpoints {
  const urls = spec.urls.map((raw) => new URL(raw));
  const hosts = urls.map((url) => `${url.protocol}//${url.hostname}:${url.port || DEFAULT_PORT}`);
  const withUser = urls.find((url) => url.username !== '');
  const username = spec.username ?? (withUser ? decodeURIComponent(withUser.username) : undefined);
  const password = spec.password ?? (withUser ? decodeURIComponent(withUser.password) : undefined);
  return {
    hosts,
    addresses: hosts.map((host) => host.replace(/^https?:\/\//, '')).join(','),
    ...(username !== undefined ? { auth: { username, password: password ?? '' } } : {}),
  };
}

/**
 * A gRPC client without etcd3's retry and circuit-breaker policies: a failed
 * call fails once and is counted, instead of being retried (a retried revoke or
 * delete could report a lock as lost that was released) or fast-failed for
 * seconds after the server is back. Unary calls get `callTimeoutMs` deadlines.
 */
export function createClient(endpoints: EtcdEndpoints, callTimeoutMs: number): Etcd3 {
  const options: IOptions = {
    hosts: [...endpoints.hosts],
    ...(endpoints.auth ? { auth: { ...endpoints.auth } } : {}),
    faultHandling: { host: () => noop, global: noop },
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
  };
  return new Etcd3(options);
}

/**
 * One real request (a count of the keys at `probeKey`) within `timeoutMs`;
 * throws BackendUnavailableError with one line naming host:port, never a secret.
 */
export async function checkReachable(client: Etcd3, probeKey: Buffer, endpoints: EtcdEndpoints, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GRPCDeadlineExceededError('no answer')), timeoutMs);
  });
  try {
    await Promise.race([client.kv.range({ key: probeKey, count_only: true }, { deadline: Date.now() + timeoutMs }), timedOut]);
  } catch (error) {
    throw new BackendUnavailableError(`etcd unreachable at ${endpoints.addresses}: ${unreachableReason(error, endpoints, timeoutMs)}`);
  } finally {
    clearTimeout(timer);
  }
}

function unreachableReason(error: unknown, endpoints: EtcdEndpoints, timeoutMs: number): string {
  if (error instanceof EtcdAuthenticationFailedError) return 'authentication failed (check the username and password)';
  if (error instanceof GRPCDeadlineExceededError) return `no answer within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('ECONNREFUSED')) return 'connection refused';
  return withoutSecrets(shortGrpcMessage(message), endpoints);
}

/**
 * A gRPC error in a few words: `connection refused by host:port`, `deadline
 * exceeded after 5.0s`, else its first line without the status prefix.
 */
export function shortGrpcMessage(message: string): string {
  const refused = /ECONNREFUSED (\S+?)\.?(\s|$)/.exec(message);
  if (refused) return `connection refused by ${refused[1]}`;
  const deadline = /Deadline exceeded after ([\d.]+s)/.exec(message);
  if (deadline) return `deadline exceeded after ${deadline[1]}`;
  const line = message.split('\n', 1)[0].replace(/^\w*Error: /, '').replace(/^\d+ [A-Z_]+: /, '');
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function withoutSecrets(text: string, endpoints: EtcdEndpoints): string {
  const { auth } = endpoints;
  let clean = text;
  for (const secret of [auth?.password, auth?.username]) if (secret) clean = clean.split(secret).join('***');
  return clean;
}
