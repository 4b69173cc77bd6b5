// ScopeTag: /deviceManagement/roleScopeTags. The walking skeleton of every resource.
import { z } from "zod";
import { diffInputs, pick } from "../diff";
import { isLostResponse } from "../graph";
import { graph } from "../runtime";
import { failuresFromZod } from "../validation";
import type { Props, ResourceHandler } from "./types";

const collection = "/deviceManagement/roleScopeTags";

/** The built-in "Default" scope tag; it exists in every tenant and cannot be changed. */
export const DEFAULT_SCOPE_TAG_ID = "0";

export const scopeTagInputKeys = ["displayName", "description"] as const;

export const scopeTagInputsSchema = z
  .object({
    displayName: z
      .string()
      .min(1)
      .max(128)
      .refine((v) => v.trim() === v, { message: "`displayName` must not start or end with white space" })
      .refine((v) => v.toLowerCase() !== "default", {
        message:
          '`displayName` "Default" is the built-in scope tag (id "0"); it cannot be managed as a ScopeTag, reference it as "0" in scopeTagIds',
      }),
    description: z.string().max(1024).optional(),
  })
  .strict();

export type ScopeTagInputs = z.infer<typeof scopeTagInputsSchema>;

interface RoleScopeTag {
  id: string;
  displayName: string;
  description: string | null;
  isBuiltIn: boolean;
}

function outputs(tag: RoleScopeTag, inputs: Props): Props {
  return { ...pick(inputs, scopeTagInputKeys), isBuiltIn: tag.isBuiltIn };
}

/** Inputs as the tenant reports them, so refresh shows drift against what was declared. */
function inputsFromLive(tag: RoleScopeTag): Props {
  const inputs: Props = { displayName: tag.displayName };
  if (tag.description) inputs.description = tag.description;
  return inputs;
}

async function findByName(displayName: string): Promise<RoleScopeTag | undefined> {
  const escaped = displayName.replace(/'/g, "''");
  const found = await graph().list<RoleScopeTag>(collection, { filter: `displayName eq '${escaped}'` });
  return found.find((t) => t.displayName === displayName);
}

export const scopeTagHandler: ResourceHandler = {
  async check(_olds, news) {
    const raw = pick(news, [...scopeTagInputKeys, ...Object.keys(news).filter((k) => !k.startsWith("__"))]);
    const parsed = scopeTagInputsSchema.safeParse(raw);
    if (!parsed.success) return { inputs: raw, failures: failuresFromZod(parsed.error, raw) };
    return { inputs: pick(parsed.data, scopeTagInputKeys) };
  },

  async diff(_id, olds, news) {
    return diffInputs(olds, news, scopeTagInputKeys);
  },

  async create(inputs) {
    const body = { displayName: inputs.displayName, description: inputs.description ?? "" };
    let tag: RoleScopeTag;
    try {
      tag = await graph().post<RoleScopeTag>(collection, body);
    } catch (e) {
      // The tenant may have committed the create before the connection broke: names are unique, so look.
      if (!isLostResponse(e)) throw e;
      const existing = await findByName(String(inputs.displayName));
      if (!existing) throw e;
      tag = existing;
    }
    return { id: tag.id, outs: outputs(tag, inputs) };
  },

  async read(id) {
    const tag = await graph().get<RoleScopeTag>(`${collection}/${encodeURIComponent(id)}`);
    if (!tag) return { id: "" };
    const inputs = inputsFromLive(tag);
    return { id, props: outputs(tag, inputs), inputs };
  },

  async update(id, olds, news) {
    const patch: Props = {};
    for (const k of scopeTagInputKeys) if (olds[k] !== news[k]) patch[k] = news[k] ?? "";
    if (Object.keys(patch).length > 0) await graph().patch(`${collection}/${encodeURIComponent(id)}`, patch);
    const tag = await graph().get<RoleScopeTag>(`${collection}/${encodeURIComponent(id)}`);
    if (!tag) throw new Error(`scope tag ${id} disappeared during the update`);
    return { outs: outputs(tag, news) };
  },

  async delete(id) {
    // Already gone counts as done: GraphApi.delete answers false on 404.
    await graph().delete(`${collection}/${encodeURIComponent(id)}`);
  },
};
