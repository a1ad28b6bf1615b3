// Creating, reading, reconfiguring and deleting connectors (Connect's ConnectorsResource):
// GET /connectors[?expand=status|info], POST /connectors, GET /connectors/{n},
// GET|PUT /connectors/{n}/config, DELETE /connectors/{n}, GET /connectors/{n}/topics[/reset].
import { activeTopics, resetActiveTopics } from '../../runtime/active-topics.js';
import { isTargetState } from '../../runtime/connector-state.js';
import { HttpError } from '../errors.js';
import { isPlainObject, supervisorOf, validConnector, type RestContext } from '../context.js';
import type { Router } from '../router.js';
import { connectorInfo, connectorStateInfo, displayConfig } from '../shapes.js';

export function connectorRoutes(router: Router, context: RestContext): void {
  const { worker } = context;

  router.add('GET', '/connectors', (request) => {
    const names = [...worker.connectors.keys()].sort();
    const expand = new Set(request.query.getAll('expand').flatMap((v) => v.split(',')).map((v) => v.trim()));
    if (!expand.has('status') && !expand.has('info')) return { status: 200, body: names };
    const body: Record<string, Record<string, unknown>> = {};
    for (const name of names) {
      const supervisor = worker.connectors.get(name)!;
      body[name] = {
        ...(expand.has('status') ? { status: connectorStateInfo(supervisor, context.workerId()) } : {}),
        ...(expand.has('info') ? { info: connectorInfo(supervisor) } : {}),
      };
    }
    return { status: 200, body };
  });

  router.add('POST', '/connectors', async (request) => {
    const body = await request.json();
    if (!isPlainObject(body)) throw new HttpError(400, 'expected a JSON object {"name": "...", "config": {...}}');
    const { initial_state: initial, ...document } = body;
    if (initial !== undefined && initial !== null && !isTargetState(initial)) {
      throw new HttpError(400, `initial_state must be RUNNING, PAUSED or STOPPED, not ${JSON.stringify(initial)}`);
    }
    const config = validConnector(context, document);
    if (!worker.add(config, isTargetState(initial) ? initial : 'RUNNING')) {
      throw new HttpError(409, `Connector ${config.name} already exists`);
    }
    context.logger.info({ connector: config.name, initialState: initial ?? 'RUNNING' }, 'connector created over REST');
    return { status: 201, body: connectorInfo(worker.connectors.get(config.name)!) };
  });

  router.add('GET', '/connectors/:name', (request) => ({ status: 200, body: connectorInfo(supervisorOf(context, request.params['name']!)) }));

  router.add('GET', '/connectors/:name/config', (request) => ({ status: 200, body: displayConfig(supervisorOf(context, request.params['name']!).config) }));

  router.add('PUT', '/connectors/:name/config', async (request) => {
    const name = request.params['name']!;
    const body = await request.json();
    if (!isPlainObject(body)) throw new HttpError(400, 'expected a JSON object of connector properties');
    if (typeof body['name'] === 'string' && body['name'].trim() !== name) {
      throw new HttpError(400, `Connector name configuration (${body['name']}) doesn't match connector name in the URL (${name})`);
    }
    const config = validConnector(context, { name, config: body });
    const existing = worker.connectors.get(name);
    if (!existing) {
      if (!worker.add(config)) throw new HttpError(409, `Connector ${name} already exists`);
      context.logger.info({ connector: name }, 'connector created over REST');
      return { status: 201, body: connectorInfo(worker.connectors.get(name)!) };
    }
    void existing.reconfigure(config);
    context.logger.info({ connector: name }, 'connector reconfigured over REST');
    return { status: 200, body: connectorInfo(existing) };
  });

  router.add('DELETE', '/connectors/:name', async (request) => {
    const name = request.params['name']!;
    supervisorOf(context, name);
    await worker.remove(name);
    context.logger.info({ connector: name }, 'connector deleted over REST');
    return { status: 204 };
  });

  // KIP-558 active topics (runtime/active-topics.ts). Connect answers a reset with 202 and no
  // body whatever the connector's state; a running connector adds topics again as it writes.
  router.add('GET', '/connectors/:name/topics', (request) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    return { status: 200, body: { [supervisor.name]: { topics: activeTopics(supervisor.name) } } };
  });

  router.add('PUT', '/connectors/:name/topics/reset', (request) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    resetActiveTopics(supervisor.name);
    context.logger.info({ connector: supervisor.name }, 'active topics reset over REST');
    return { status: 202 };
  });

  router.add('GET', '/connectors/:name/tasks', (request) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    const info = connectorInfo(supervisor);
    return { status: 200, body: info.tasks.map((task) => ({ id: task, config: info.config })) };
  });
}
