// ScopeTag: /deviceManagement/roleScopeTags. The walking skeleton of every resource.
import { withoutProtocolKeys } from "../../protocol";
import { z } from "zod";
import { diffInputs, pick } from "../diff";
import { createExactlyOnce } from "./createOnce";
import { failuresFromZod, isUnknown, show } from "../validation";
import { IntuneTenantStateError, IntuneValidationError, isGraphRequestError } from "../errors";
import type { GraphApi } from "../graph";
import type { ProviderRun } from "../run";
import type { ResourceHandler } from "./types";

const collection = "/deviceManagement/roleScopeTags";

/** The built-in "Default" scope tag; it exists in every tenant and cannot be changed. */
export const DEFAULT_SCOPE_TAG_ID = "0";

export const scopeTagInputKeys = ["displayName", "description"] as const;
/** Inputs kept in state besides the diffed ones: adoption is a create-time instruction. */
const carriedKeys = [...scopeTagInputKeys, "adoptExistingId"] as const;

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
    adoptExistingId: z
      .string()
      .min(1)
      .refine((v) => /^\d+$/.test(v) || isUnknown(v), (v) => ({ message: `\`adoptExistingId\` must be a scope tag id (digits, e.g. "3"), got ${show(v)}` }))
      .refine((v) => v !== DEFAULT_SCOPE_TAG_ID, {
        message:
          '`adoptExistingId` "0" is the built-in Default scope tag; it cannot be adopted or managed as a ScopeTag, reference it as "0" in scopeTagIds instead',
      })
      .optional(),
  })
  .strict();

/** ScopeTag inputs after `check`. */
export type ScopeTagInputs = z.infer<typeof scopeTagInputsSchema>;

/** ScopeTag outputs: the inputs and what the tenant says of the tag. */
export type ScopeTagOutputs = ScopeTagInputs & { isBuiltIn: boolean };

interface RoleScopeTag {
  id: string;
  displayName: string;
  description: string | null;
  isBuiltIn: boolean;
}

function outputs(tag: RoleScopeTag, inputs: ScopeTagInputs): ScopeTagOutputs {
  return { ...pick(inputs, carriedKeys), isBuiltIn: tag.isBuiltIn };
}

/** Inputs as the tenant reports them, so refresh shows drift against what was declared. */
function inputsFromLive(tag: RoleScopeTag, prior: Partial<ScopeTagInputs> = {}): ScopeTagInputs {
  const inputs: ScopeTagInputs = { displayName: tag.displayName };
  if (tag.description) inputs.description = tag.description;
  // Adoption is not tenant state: carry it so that it never shows as drift.
  if (prior.adoptExistingId !== undefined) inputs.adoptExistingId = prior.adoptExistingId;
  return inputs;
}

/** PATCH body for what differs between two sets of inputs (an absent description is ""). */
function changes(olds: ScopeTagInputs, news: ScopeTagInputs): Partial<Record<(typeof scopeTagInputKeys)[number], string>> {
  const patch: Partial<Record<(typeof scopeTagInputKeys)[number], string>> = {};
  for (const k of scopeTagInputKeys) if ((olds[k] ?? "") !== (news[k] ?? "")) patch[k] = news[k] ?? "";
  return patch;
}

/** Takes over an existing tag: writes only what differs from the inputs (nothing when they match). */
async function adopt(graph: GraphApi, id: string, inputs: ScopeTagInputs): Promise<{ id: string; outs: ScopeTagOutputs }> {
  const path = `${collection}/${encodeURIComponent(id)}`;
  const live = await graph.get<RoleScopeTag>(path);
  if (!live) throw invalid("adoptExistingId", `\`adoptExistingId\` must name an existing scope tag, got "${id}" (Graph answered 404)`);
  if (live.isBuiltIn) {
    throw invalid("adoptExistingId", `\`adoptExistingId\` "${id}" is the built-in scope tag "${live.displayName}", which cannot be managed; reference it in scopeTagIds instead`);
  }
  const patch = changes(inputsFromLive(live), inputs);
  if (Object.keys(patch).length === 0) return { id, outs: outputs(live, inputs) };
  await graph.patch(path, patch);
  const tag = await graph.get<RoleScopeTag>(path);
  if (!tag) throw new IntuneTenantStateError(`adopted scope tag ${id} disappeared`);
  return { id, outs: outputs(tag, inputs) };
}

/** A rule on one input that only the tenant can check (at `up`, not at preview). */
function invalid(property: string, reason: string): IntuneValidationError {
  return new IntuneValidationError([{ property, reason }]);
}

async function findByName(graph: GraphApi, displayName: string): Promise<RoleScopeTag | undefined> {
  const escaped = displayName.replace(/'/g, "''");
  const found = await graph.list<RoleScopeTag>(collection, { filter: `displayName eq '${escaped}'` });
  return found.find((t) => t.displayName === displayName);
}

/**
 * POSTs a tag. A killed `up` (after the POST committed, before the state was written) leaves a tag that
 * no state records, and the next create is refused because names are unique: a tag with this name and
 * this description, held by no other resource of this run, is that one, and is taken over, as
 * left-behind profiles are. Any other is somebody else's, and the error says how to adopt it.
 */
async function postOrTakeOver(run: ProviderRun, body: { displayName: string; description: string }): Promise<RoleScopeTag> {
  try {
    return await run.graph.post<RoleScopeTag>(collection, body);
  } catch (e) {
    const existing = isGraphRequestError(e) && e.statusCode === 400 ? await findByName(run.graph, body.displayName) : undefined;
    if (!existing) throw e;
    if (!existing.isBuiltIn && !run.adopted.has(existing.id) && (existing.description ?? "") === body.description) return existing;
    throw invalid(
      "displayName",
      `\`displayName\` must be unique in the tenant, got ${show(body.displayName)}, which scope tag "${existing.id}" has already (with another description); adopt it with \`adoptExistingId: "${existing.id}"\` or choose another name`,
    );
  }
}

export const scopeTagHandler: ResourceHandler<ScopeTagInputs, ScopeTagOutputs> = {
  async check(_run, _olds, news) {
    const raw = pick(news, [...scopeTagInputKeys, ...Object.keys(withoutProtocolKeys(news))]);
    const parsed = scopeTagInputsSchema.safeParse(raw);
    if (!parsed.success) return { inputs: raw, failures: failuresFromZod(parsed.error, raw) };
    return { inputs: pick(parsed.data, carriedKeys) };
  },

  async diff(_run, _id, olds, news) {
    return diffInputs(olds, news, scopeTagInputKeys);
  },

  async create(run, inputs) {
    const { graph } = run;
    if (inputs.adoptExistingId !== undefined) return adopt(graph, inputs.adoptExistingId, inputs);
    const body = { displayName: inputs.displayName, description: inputs.description ?? "" };
    // Names are unique in a tenant: after an unknown outcome, the name says whether it was committed.
    const tag = await createExactlyOnce(`scope tag "${inputs.displayName}"`, () => postOrTakeOver(run, body), () => findByName(graph, inputs.displayName));
    // Held by this resource now: no other resource of this run may take it over.
    run.adopted.add(tag.id);
    return { id: tag.id, outs: outputs(tag, inputs) };
  },

  async read({ graph }, id, props) {
    // In a `$batch` shared with concurrent reads (refresh reads every resource in parallel).
    const answer = (await graph.readCoalesced([{ id: "t", path: `${collection}/${encodeURIComponent(id)}` }])).get("t");
    if (answer?.status === 404) return { id: "" };
    const tag = answer && answer.status < 400 ? (answer.body as RoleScopeTag) : await graph.get<RoleScopeTag>(`${collection}/${encodeURIComponent(id)}`);
    if (!tag) return { id: "" };
    const inputs = inputsFromLive(tag, props);
    return { id, props: outputs(tag, inputs), inputs };
  },

  async update({ graph }, id, olds, news) {
    const patch = changes(olds, news);
    if (Object.keys(patch).length > 0) await graph.patch(`${collection}/${encodeURIComponent(id)}`, patch);
    const tag = await graph.get<RoleScopeTag>(`${collection}/${encodeURIComponent(id)}`);
    if (!tag) throw new IntuneTenantStateError(`scope tag ${id} disappeared during the update`);
    return { outs: outputs(tag, news) };
  },

  async delete({ graph }, id) {
    // Already gone counts as done: GraphApi.delete answers false on 404.
    await graph.delete(`${collection}/${encodeURIComponent(id)}`);
  },
};
