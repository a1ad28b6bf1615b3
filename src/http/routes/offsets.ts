// KIP-875 offsets: GET|PATCH|DELETE /connectors/{n}/offsets. The source partition of a MariaDB
// connector is {"server": <topic.prefix>}; its offset is Debezium's map (file, pos, gtids, event,
// row, server_id, ts_sec). Changing it needs the connector STOPPED, with Connect's 400 otherwise.
import { HttpError } from '../errors.js';
import { isPlainObject, supervisorOf, type RestContext } from '../context.js';
import type { RestRequest, Router } from '../router.js';
import type { ConnectorSupervisor } from '../../runtime/supervisor.js';

function requireStopped(supervisor: ConnectorSupervisor): void {
  if (supervisor.target === 'STOPPED' && supervisor.state === 'STOPPED') return;
  throw new HttpError(400, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${supervisor.name}/stop' endpoint`);
}

/** The one offset the PATCH body gives for the connector's partition (null = reset). */
function offsetFromBody(body: unknown, server: string): Record<string, unknown> | null {
  const entries = isPlainObject(body) ? body['offsets'] : undefined;
  if (!Array.isArray(entries) || entries.length === 0) throw new HttpError(400, 'Partitions / offsets need to be provided for an alter offsets request');
  const expected = JSON.stringify({ server });
  let result: Record<string, unknown> | null | undefined;
  for (const entry of entries) {
    const partition = isPlainObject(entry) ? entry['partition'] : undefined;
    if (!isPlainObject(partition) || JSON.stringify(partition) !== expected) {
      throw new HttpError(400, `unknown source partition ${JSON.stringify(partition ?? null)}: this connector has the one partition ${expected} (its topic.prefix)`);
    }
    const offset = (entry as Record<string, unknown>)['offset'];
    if (offset !== null && !isPlainObject(offset)) throw new HttpError(400, `the offset for ${expected} must be an object or null, not ${JSON.stringify(offset)}`);
    result = offset;
  }
  return result ?? null;
}

export function offsetRoutes(router: Router, context: RestContext): void {
  const { worker } = context;

  router.add('GET', '/connectors/:name/offsets', async (request: RestRequest) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    const ref = worker.offsetRef(supervisor);
    const offset = await worker.offsets.read(ref);
    return { status: 200, body: { offsets: offset ? [{ partition: { server: ref.server }, offset }] : [] } };
  });

  router.add('PATCH', '/connectors/:name/offsets', async (request) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    const body = await request.json();
    requireStopped(supervisor);
    const ref = worker.offsetRef(supervisor);
    const offset = offsetFromBody(body, ref.server);
    await worker.offsets.write(ref, offset);
    context.logger.info({ connector: supervisor.name, offset }, 'offset altered over REST');
    return { status: 200, body: { message: 'The offsets for this connector have been altered successfully' } };
  });

  router.add('DELETE', '/connectors/:name/offsets', async (request) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    requireStopped(supervisor);
    await worker.offsets.write(worker.offsetRef(supervisor), null);
    context.logger.info({ connector: supervisor.name }, 'offset reset over REST');
    return { status: 200, body: { message: 'The offsets for this connector have been reset successfully' } };
  });
}
