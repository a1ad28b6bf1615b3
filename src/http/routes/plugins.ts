// The connector plugin routes (Connect's ConnectorPluginsResource): GET /connector-plugins,
// GET /connector-plugins/{p}/config and PUT /connector-plugins/{p}/config/validate, which UIs use
// to build and check a connector form. Definitions come from the connector's zod schemas (the
// JSON Schema generated from them), so the form and the validation agree with connector files.
import { connectorJsonSchema, formatProblem, isSecretName, parseConnector, HIDDEN, hasReference } from '../../config/index.js';
import { compatArea } from '../../config/compat.js';
import { CONNECTOR_AREAS } from '../../config/connector.js';
import { MARIADB_CONNECTOR_CLASS } from '../../config/kafka-connect.js';
import { HttpError } from '../errors.js';
import { isPlainObject, type RestContext } from '../context.js';
import type { RestRequest, Router } from '../router.js';

/** The names Connect resolves to this plugin: the class, its simple name, and that without "Connector". */
const PLUGIN_NAMES = new Set([MARIADB_CONNECTOR_CLASS, 'MariaDbConnector', 'MariaDb']);

interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: 'HIGH' | 'MEDIUM' | 'LOW';
  documentation: string;
  group: string;
  width: 'NONE';
  display_name: string;
  dependents: string[];
  order: number;
}

type JsonSchema = Record<string, unknown>;

function typeOf(name: string, schema: JsonSchema): string {
  if (isSecretName(name)) return 'PASSWORD';
  const types = [schema['type'], ...((schema['anyOf'] as JsonSchema[] | undefined) ?? []).map((s) => s['type'])];
  if (types.includes('integer')) return 'INT';
  if (types.includes('boolean')) return 'BOOLEAN';
  return 'STRING';
}

let definitions: ConfigKeyInfo[] | undefined;

/** Every property the connector schema declares, in Connect's ConfigKeyInfo shape. */
function configDefinitions(): ConfigKeyInfo[] {
  if (definitions) return definitions;
  const config = ((connectorJsonSchema()['properties'] as JsonSchema)['config'] as JsonSchema)['properties'] as Record<string, JsonSchema>;
  definitions = [];
  for (const [group, area] of Object.entries({ ...CONNECTOR_AREAS, compat: compatArea })) {
    Object.keys(area.schema.shape).forEach((name, index) => {
      const schema = config[name] ?? {};
      const fallback = schema['default'];
      definitions!.push({
        name, type: typeOf(name, schema), required: false,
        default_value: fallback === undefined ? null : Array.isArray(fallback) ? fallback.join(',') : String(fallback),
        importance: group === 'database' || group === 'topics' ? 'HIGH' : 'MEDIUM',
        documentation: typeof schema['description'] === 'string' ? schema['description'] : '',
        group, width: 'NONE', display_name: name, dependents: [], order: index + 1,
      });
    });
  }
  definitions.unshift({ name: 'name', type: 'STRING', required: true, default_value: null, importance: 'HIGH', documentation: 'Globally unique name to use for this connector.', group: 'Common', width: 'NONE', display_name: 'Connector name', dependents: [], order: 0 });
  return definitions;
}

function plugin(request: RestRequest): string {
  const name = request.params['plugin']!;
  if (!PLUGIN_NAMES.has(name)) throw new HttpError(404, `Unknown plugin ${name}.`);
  return MARIADB_CONNECTOR_CLASS;
}

export function pluginRoutes(router: Router, context: RestContext): void {
  router.add('GET', '/connector-plugins', () => ({
    status: 200,
    body: [{ class: MARIADB_CONNECTOR_CLASS, type: 'source', version: context.version }],
  }));

  router.add('GET', '/connector-plugins/:plugin/config', (request) => {
    plugin(request);
    return { status: 200, body: configDefinitions() };
  });

  // Connect's ConfigInfos: one entry per declared property with its value and errors; problems
  // with no property (or an unknown one) are listed under "name", so none is lost.
  router.add('PUT', '/connector-plugins/:plugin/config/validate', async (request) => {
    const name = plugin(request);
    const body = await request.json();
    if (!isPlainObject(body)) throw new HttpError(400, 'expected a JSON object of connector properties');
    const result = parseConnector({ name: typeof body['name'] === 'string' ? body['name'] : '', config: body }, { providers: context.providers });
    const errors = new Map<string, string[]>();
    const known = new Set(configDefinitions().map((d) => d.name));
    for (const problem of result.problems.filter((p) => p.severity === 'error')) {
      const property = problem.property !== undefined && known.has(problem.property) ? problem.property : 'name';
      errors.set(property, [...(errors.get(property) ?? []), formatProblem(problem).replace(/^error: /, '')]);
    }
    const shown = (property: string): string | null => {
      const value = body[property];
      if (value === undefined || value === null) return null;
      const text = String(value);
      return isSecretName(property) && !hasReference(text) ? HIDDEN : text;
    };
    const configs = configDefinitions().map((definition) => ({
      definition,
      value: { name: definition.name, value: shown(definition.name), recommended_values: [], errors: errors.get(definition.name) ?? [], visible: true },
    }));
    const groups = [...new Set(configDefinitions().map((d) => d.group))];
    const errorCount = [...errors.values()].reduce((sum, list) => sum + list.length, 0);
    return { status: 200, body: { name, error_count: errorCount, groups, configs } };
  });
}
