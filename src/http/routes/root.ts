// The worker-level routes: GET / (Connect's RootResource), GET /health and GET /metrics
// (Prometheus text from the one registry every metric is declared in).
import { registry } from '../../metrics/registry.js';
import type { RestContext } from '../context.js';
import type { Router } from '../router.js';

export function rootRoutes(router: Router, context: RestContext, options: { commit: string; clusterId: () => string | null }): void {
  router.add('GET', '/', () => ({ status: 200, body: { version: context.version, commit: options.commit, kafka_cluster_id: options.clusterId() } }));

  // Connect's shape and messages: 503 until the worker finished starting, 200 after. A FAILED
  // connector does not make the worker unhealthy (a liveness probe would restart the others too);
  // per-connector states are listed for readiness checks that care.
  router.add('GET', '/health', () => {
    const connectors = Object.fromEntries([...context.worker.connectors.values()].map((s) => [s.name, s.state]));
    if (!context.worker.started) return { status: 503, body: { status: 'starting', message: 'Worker is still starting up.', connectors } };
    return { status: 200, body: { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.', connectors } };
  });

  router.add('GET', '/metrics', async () => ({ status: 200, text: await registry.metrics(), contentType: registry.contentType }));
}
