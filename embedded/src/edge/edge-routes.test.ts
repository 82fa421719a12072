// The embedded edge and Envoy's public listener serve the same paths (so the admin UI and the SDKs
// use one set of URLs in both modes): every Envoy route prefix maps to the same destination here.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADMIN_PREFIX, ANALYTICS_PREFIX, ELS_PREFIXES } from './edge-server.js';

interface Route {
  match: { prefix?: string; path?: string };
  route: { cluster: string };
}

function envoyRoutes(): Route[] {
  const text = readFileSync(resolve(import.meta.dirname, '../../../envoy/envoy.yaml'), 'utf8');
  const doc = parse(text) as {
    static_resources: {
      listeners: {
        filter_chains: {
          filters: { typed_config: { route_config: { virtual_hosts: { routes: Route[] }[] } } }[];
        }[];
      }[];
    };
  };
  const [listener] = doc.static_resources.listeners;
  return listener!.filter_chains[0]!.filters[0]!.typed_config.route_config.virtual_hosts[0]!.routes;
}

describe('embedded edge routes', () => {
  it('match the routes of envoy/envoy.yaml', () => {
    const routes = envoyRoutes();
    const prefixesTo = (cluster: string) =>
      routes
        .filter((r) => r.route.cluster === cluster && r.match.prefix)
        .map((r) => r.match.prefix);
    expect(prefixesTo('api-server')).toEqual([ADMIN_PREFIX]);
    expect(prefixesTo('analytics')).toEqual([ANALYTICS_PREFIX]);
    expect([...prefixesTo('els')].sort()).toEqual([...ELS_PREFIXES].sort());
    // Exact paths Envoy sends to ELS are covered by one of the edge's ELS prefixes.
    for (const r of routes.filter((r) => r.route.cluster === 'els' && r.match.path)) {
      expect(ELS_PREFIXES.some((p) => r.match.path!.startsWith(p))).toBe(true);
    }
    expect(prefixesTo('web')).toEqual(['/']);
  });
});
