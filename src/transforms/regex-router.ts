// org.apache.kafka.connect.transforms.RegexRouter: when `regex` matches the whole topic, the topic
// becomes the replacement. Only the topic changes: schema names keep the original prefix, while
// the converters' subjects follow the new topic (reference §8.3).
import { z } from 'zod';
import { requiredText } from '../config/values.js';
import { compileWhole, javaReplacement, routeWhole } from './java-regex.js';
import type { Transform } from './record.js';

export const REGEX_ROUTER = 'org.apache.kafka.connect.transforms.RegexRouter';

export const regexRouterOptions = z.object({
  regex: requiredText('Regular expression matched against the whole topic name (Java syntax).'),
  replacement: requiredText('The new topic name; $1 or ${name} refer to groups of the regex.'),
});

export function createRegexRouter(options: z.infer<typeof regexRouterOptions>): Transform {
  const regex = compileWhole(options.regex);
  const replacement = javaReplacement(options.replacement);
  // Topics repeat: remember each one's route.
  const routes = new Map<string, string>();
  return (record) => {
    let topic = routes.get(record.topic);
    if (topic === undefined) {
      topic = routeWhole(regex, replacement, record.topic) ?? record.topic;
      if (routes.size < 10_000) routes.set(record.topic, topic);
    }
    return topic === record.topic ? record : { ...record, topic };
  };
}
