// Status and lifecycle (Connect's ConnectorsResource): GET status, PUT pause|resume|stop,
// POST restart, and the task-level forms for task 0. Pause, resume and stop answer at once and take
// effect in the background, as in Connect; a restart answers once the new session settled.
import { HttpError } from '../errors.js';
import { supervisorOf, type RestContext } from '../context.js';
import type { RestRequest, Router } from '../router.js';
import { connectorStateInfo, taskId, taskState } from '../shapes.js';

/** How long POST restart waits for the new session before answering anyway. */
const RESTART_ANSWER_MS = 20_000;

function flag(request: RestRequest, name: string): boolean {
  const value = request.query.get(name);
  if (value === null || value === '') return false;
  if (value !== 'true' && value !== 'false') throw new HttpError(400, `${name} must be true or false, not ${JSON.stringify(value)}`);
  return value === 'true';
}

function task0(request: RestRequest): void {
  const task = request.params['task']!;
  if (task !== '0') throw new HttpError(404, `No status found for task ${taskId(request.params['name']!, task)}`);
}

export function lifecycleRoutes(router: Router, context: RestContext): void {
  const status = (request: RestRequest) => ({ status: 200, body: connectorStateInfo(supervisorOf(context, request.params['name']!), context.workerId()) });
  router.add('GET', '/connectors/:name/status', status);

  for (const [verb, target, code] of [['pause', 'PAUSED', 202], ['resume', 'RUNNING', 202], ['stop', 'STOPPED', 204]] as const) {
    router.add('PUT', `/connectors/:name/${verb}`, (request) => {
      const supervisor = supervisorOf(context, request.params['name']!);
      if (supervisor.target !== target) context.logger.info({ connector: supervisor.name, target }, `${verb} requested over REST`);
      void supervisor.setTarget(target);
      return { status: code };
    });
  }

  router.add('POST', '/connectors/:name/restart', async (request) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    const includeTasks = flag(request, 'includeTasks');
    const onlyFailed = flag(request, 'onlyFailed');
    const { restarting, done } = supervisor.restart({ onlyFailed });
    if (restarting) context.logger.info({ connector: supervisor.name }, 'restart requested over REST');
    // Connect: both flags false restarts the connector and answers 204 once done; otherwise 202
    // at once with the status, RESTARTING for what will restart.
    if (!includeTasks && !onlyFailed) {
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, RESTART_ANSWER_MS).unref())]);
      return { status: 204 };
    }
    return { status: 202, body: connectorStateInfo(supervisor, context.workerId(), restarting ? 'RESTARTING' : undefined) };
  });

  router.add('GET', '/connectors/:name/tasks/:task/status', (request) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    task0(request);
    if (supervisor.state === 'STOPPED') throw new HttpError(404, `No status found for task ${taskId(supervisor.name, 0)}`);
    return { status: 200, body: taskState(supervisor, context.workerId()) };
  });

  router.add('POST', '/connectors/:name/tasks/:task/restart', async (request) => {
    const supervisor = supervisorOf(context, request.params['name']!);
    task0(request);
    const { done } = supervisor.restart();
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, RESTART_ANSWER_MS).unref())]);
    return { status: 204 };
  });
}
