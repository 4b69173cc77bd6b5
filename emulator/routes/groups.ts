// Directory groups (read only, seeded): what impact analysis asks about, with member counts.
import { GraphErrorFactory } from "../errors";
import { GROUP_READ, entityQueryValidator, listQueryValidator, parsedListQuery, parsedSelect } from "./query";
import { type Route, resource, text } from "./types";

const GROUP_PROPERTIES = new Set([
  "id",
  "createdDateTime",
  "description",
  "displayName",
  "groupTypes",
  "mail",
  "mailEnabled",
  "mailNickname",
  "membershipRule",
  "membershipRuleProcessingState",
  "securityEnabled",
  "visibility",
]);

const VERSIONS = ["beta", "v1.0"];

export function groupRoutes(): Route[] {
  return [
    {
      name: "groups.list",
      family: "groups",
      method: "GET",
      pattern: /^\/groups$/,
      versions: VERSIONS,
      permission: GROUP_READ,
      write: false,
      validate: listQueryValidator(() => GROUP_PROPERTIES, "microsoft.graph.group"),
      handle: (ctx) =>
        resource(200, {
          kind: "collection",
          context: "groups",
          tipsPath: "groups",
          items: ctx.env.store.listGroups().map((g) => g.entity),
          query: parsedListQuery(ctx),
        }),
    },
    {
      name: "groups.get",
      family: "groups",
      method: "GET",
      pattern: /^\/groups\/([^/]+)$/,
      versions: VERSIONS,
      permission: GROUP_READ,
      write: false,
      validate: entityQueryValidator(() => GROUP_PROPERTIES, "microsoft.graph.group"),
      handle: (ctx) => {
        const found = ctx.env.store.getGroup(ctx.params[0]);
        if (!found) throw GraphErrorFactory.directoryObjectNotFound(ctx.params[0]);
        return resource(200, { kind: "entity", context: "groups/$entity", tipsPath: "groups", item: found.entity, select: parsedSelect(ctx) });
      },
    },
    {
      name: "groups.members.count",
      family: "groups",
      method: "GET",
      pattern: /^\/groups\/([^/]+)\/(transitiveMembers|members)(?:\/microsoft\.graph\.(user|device))?\/\$count$/,
      versions: VERSIONS,
      permission: GROUP_READ,
      write: false,
      validate: (ctx) => {
        // Directory counts are served from the eventually consistent index only.
        if ((ctx.req.headers.consistencylevel ?? "").toLowerCase() !== "eventual") throw GraphErrorFactory.countNeedsConsistencyLevel();
      },
      handle: (ctx) => {
        const found = ctx.env.store.getGroup(ctx.params[0]);
        if (!found) throw GraphErrorFactory.directoryObjectNotFound(ctx.params[0]);
        const kind = ctx.params[2];
        const count = !kind || kind === found.memberKind ? found.memberCount : 0;
        return text(200, String(count));
      },
    },
  ];
}
