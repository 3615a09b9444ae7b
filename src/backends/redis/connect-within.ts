/** connect() bounded by the connect timeout, failing with one line that names the server. */
import { BackendUnavailableError } from '../../errors.js';

/**
 * Runs `connect` for at most `timeoutMs`. On failure or timeout calls `giveUp`
 * (stop reconnecting) and throws BackendUnavailableError: `<what> is unreachable: <reason>`,
 * the reason being the client's last error when it has one (refused, WRONGPASS…).
 * `mask` removes secrets from the reason.
 */
export async function connectWithin(
  what: string,
  timeoutMs: number,
  connect: () => Promise<unknown>,
  lastError: () => Error | undefined,
  giveUp: () => void,
  mask: (text: string) => string,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const connecting = connect();
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within the connect timeout (${timeoutMs} ms)`)), timeoutMs);
  });
  try {
    await Promise.race([connecting, timedOut]);
  } catch (error) {
    connecting.catch(() => undefined);
    giveUp();
    const reason = lastError() ?? (error as Error);
    throw new BackendUnavailableError(`${what} is unreachable: ${mask(oneLine(reason.message))}`);
  } finally {
    clearTimeout(timer);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n[\s\S]*$/, '');
}
