// The emulator's tenant: device configurations (with their links and assignments), role scope tags,
// derived credentials and directory groups. Entities keep only what clients set plus the members the
// server owns (id, timestamps, version, supportsScopeTags, the default roleScopeTagIds); how unset
// properties look on the wire is the serializer's business (see dialects.ts). All writes go through
// here so version/lastModifiedDateTime bookkeeping lives in one place.
import * as crypto from "crypto";
import type { SchemaIndex } from "./validation";
import { type Clock, systemClock } from "./throttle";

/** Where a single-valued navigation points: a collection under deviceManagement and an id. */
export interface EntityReference {
  readonly collection: "deviceConfigurations" | "derivedCredentials";
  readonly id: string;
}

/** A device configuration with what hangs off it. */
export interface StoredDeviceConfiguration {
  /** `@odata.type`, the members clients set and the server-owned ones; unset members are absent. */
  entity: Record<string, unknown>;
  /** Bound navigations (`identityCertificate`, `smimeSigningCertificate`, …) by name. */
  references: Record<string, EntityReference>;
  /** `deviceConfigurationAssignment` entities. */
  assignments: Record<string, unknown>[];
}

/** A directory group with the size of its (transitive) membership. */
export interface StoredGroup {
  entity: Record<string, unknown>;
  /** What the members are: users or devices. */
  memberKind: "user" | "device";
  memberCount: number;
}

/** The whole tenant, as `GET/PUT /_emulator/state` carries it and `--state` persists it. */
export interface EmulatorState {
  deviceConfigurations: StoredDeviceConfiguration[];
  roleScopeTags: Record<string, unknown>[];
  /** Next id for a new role scope tag (ids are sequential strings). */
  nextRoleScopeTagId: number;
  derivedCredentials: Record<string, unknown>[];
  groups: StoredGroup[];
}

/** A group to seed (the fixed ones in {@link SEEDED_GROUPS}, or a test's own). */
export interface GroupSeed {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly memberKind: "user" | "device";
  readonly memberCount: number;
  readonly groupTypes?: readonly string[];
  readonly securityEnabled?: boolean;
  readonly mailEnabled?: boolean;
  readonly membershipRule?: string | null;
}

/** The groups every new emulator tenant has. Ids are fixed so tests and examples can name them. */
export const SEEDED_GROUPS = {
  salesUsers: {
    id: "5f1c6a0e-2b7d-4c1e-9a3f-0d8e1b2c3a41",
    displayName: "Sales Users",
    description: "Everyone in the sales organisation",
    memberKind: "user",
    memberCount: 42,
  },
  fieldEngineers: {
    id: "8a2d4e6f-3c5b-4d7a-8e9f-1a2b3c4d5e62",
    displayName: "Field Engineers",
    description: "Engineers who work at customer sites",
    memberKind: "user",
    memberCount: 17,
  },
  kioskDevices: {
    id: "c3e5f7a9-4b6d-4e8f-9a1b-2c3d4e5f6a73",
    displayName: "Kiosk Devices",
    description: "Shared kiosk iPads in the stores",
    memberKind: "device",
    memberCount: 8,
    groupTypes: ["DynamicMembership"],
    membershipRule: '(device.deviceCategory -eq "Kiosk")',
  },
  allStaff: {
    id: "e7f9a1b3-5c7d-4f9a-8b2c-3d4e5f6a7b84",
    displayName: "All Staff",
    description: "All employees",
    memberKind: "user",
    memberCount: 120,
    groupTypes: ["Unified"],
    mailEnabled: true,
  },
} as const satisfies Record<string, GroupSeed>;

/** Intune's fixed target ids for the "all devices" and "all licensed users" virtual groups. */
export const ALL_DEVICES_TARGET_ID = "adadadad-808e-44e2-905a-0b7873a8a531";
export const ALL_LICENSED_USERS_TARGET_ID = "acacacac-9df4-4c7d-9d50-4ef0226f57a9";

const SEED_TIME = "2024-01-15T09:30:00Z";

function groupEntity(seed: GroupSeed): StoredGroup {
  const groupTypes = [...(seed.groupTypes ?? [])];
  const mailEnabled = seed.mailEnabled ?? false;
  return {
    memberKind: seed.memberKind,
    memberCount: seed.memberCount,
    entity: {
      id: seed.id,
      createdDateTime: SEED_TIME,
      description: seed.description,
      displayName: seed.displayName,
      groupTypes,
      mail: mailEnabled ? `${seed.displayName.replace(/\W+/g, "").toLowerCase()}@contoso.example` : null,
      mailEnabled,
      mailNickname: seed.displayName.replace(/\W+/g, "").toLowerCase(),
      membershipRule: seed.membershipRule ?? null,
      membershipRuleProcessingState: seed.membershipRule ? "On" : null,
      securityEnabled: seed.securityEnabled ?? true,
      visibility: groupTypes.includes("Unified") ? "Private" : null,
    },
  };
}

/** A fresh tenant: the built-in scope tag and the seeded groups, nothing else. */
export function initialState(groups: readonly GroupSeed[] = Object.values(SEEDED_GROUPS)): EmulatorState {
  return {
    deviceConfigurations: [],
    roleScopeTags: [{ id: "0", displayName: "Default", description: "Default scope tag", isBuiltIn: true }],
    nextRoleScopeTagId: 1,
    derivedCredentials: [],
    groups: groups.map(groupEntity),
  };
}

const clone = <T>(v: T): T => structuredClone(v);
const key = (id: string) => id.toLowerCase();

/** In-memory tenant data. Everything handed out is a copy. */
export class EmulatorStore {
  private deviceConfigurations = new Map<string, StoredDeviceConfiguration>();
  private roleScopeTags = new Map<string, Record<string, unknown>>();
  private derivedCredentials = new Map<string, Record<string, unknown>>();
  private groups = new Map<string, StoredGroup>();
  private nextRoleScopeTagId = 1;
  /** Per profile: GETs left that answer 404 (eventual consistency after create). */
  private readonly pendingNotFound = new Map<string, number>();
  /** Called after every change (persistence hooks in here). */
  onChange: () => void = () => undefined;

  constructor(readonly index: SchemaIndex, private readonly clock: Clock = systemClock, state: EmulatorState = initialState()) {
    this.load(state);
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
  private changed(): void {
    this.onChange();
  }

  // ---- whole state ----

  /** A deep copy of the tenant. */
  dump(): EmulatorState {
    return clone({
      deviceConfigurations: [...this.deviceConfigurations.values()],
      roleScopeTags: [...this.roleScopeTags.values()],
      nextRoleScopeTagId: this.nextRoleScopeTagId,
      derivedCredentials: [...this.derivedCredentials.values()],
      groups: [...this.groups.values()],
    });
  }

  /** Replaces the tenant; missing parts fall back to a fresh tenant's. */
  load(state: Partial<EmulatorState>): void {
    const base = initialState();
    const s = clone({ ...base, ...state });
    this.deviceConfigurations = new Map(s.deviceConfigurations.map((d) => [key(String(d.entity.id)), { ...d, references: d.references ?? {}, assignments: d.assignments ?? [] }]));
    this.roleScopeTags = new Map(s.roleScopeTags.map((t) => [key(String(t.id)), t]));
    if (!this.roleScopeTags.has("0")) this.roleScopeTags.set("0", base.roleScopeTags[0]);
    const highest = Math.max(0, ...[...this.roleScopeTags.keys()].map(Number).filter(Number.isFinite));
    this.nextRoleScopeTagId = Math.max(s.nextRoleScopeTagId ?? 1, highest + 1);
    this.derivedCredentials = new Map(s.derivedCredentials.map((c) => [key(String(c.id)), c]));
    this.groups = new Map(s.groups.map((g) => [key(String(g.entity.id)), g]));
    this.pendingNotFound.clear();
    this.changed();
  }

  /** Back to a fresh tenant. */
  reset(): void {
    this.load(initialState());
  }

  // ---- device configurations ----

  listDeviceConfigurations(): StoredDeviceConfiguration[] {
    return clone([...this.deviceConfigurations.values()]);
  }

  getDeviceConfiguration(id: string): StoredDeviceConfiguration | undefined {
    const found = this.deviceConfigurations.get(key(id));
    return found && clone(found);
  }

  /**
   * Creates a profile of `typeName` (short name) from validated values plus the server-owned members.
   * Unset properties stay absent; the serializer renders them per dialect.
   */
  addDeviceConfiguration(
    typeName: string,
    values: Record<string, unknown>,
    references: Record<string, EntityReference> = {},
    options: { notFoundReads?: number } = {},
  ): StoredDeviceConfiguration {
    const now = this.nowIso();
    const id = crypto.randomUUID();
    const entity: Record<string, unknown> = {
      "@odata.type": `#microsoft.graph.${typeName}`,
      // Intune puts a profile without scope tags under the Default tag.
      roleScopeTagIds: ["0"],
      ...clone(values),
      id,
      createdDateTime: now,
      lastModifiedDateTime: now,
      version: 1,
      supportsScopeTags: true,
    };
    const stored: StoredDeviceConfiguration = { entity, references: { ...references }, assignments: [] };
    this.deviceConfigurations.set(key(id), stored);
    if (options.notFoundReads) this.pendingNotFound.set(key(id), options.notFoundReads);
    this.changed();
    return clone(stored);
  }

  /** Merges values (omitted members are kept), sets references (undefined removes), bumps the version. */
  updateDeviceConfiguration(id: string, values: Record<string, unknown>, references: Record<string, EntityReference | undefined> = {}): StoredDeviceConfiguration | undefined {
    const stored = this.deviceConfigurations.get(key(id));
    if (!stored) return undefined;
    Object.assign(stored.entity, clone(values));
    for (const [nav, ref] of Object.entries(references)) {
      if (ref) stored.references[nav] = { ...ref };
      else delete stored.references[nav];
    }
    stored.entity.version = Number(stored.entity.version ?? 0) + 1;
    stored.entity.lastModifiedDateTime = this.nowIso();
    this.changed();
    return clone(stored);
  }

  deleteDeviceConfiguration(id: string): boolean {
    const deleted = this.deviceConfigurations.delete(key(id));
    this.pendingNotFound.delete(key(id));
    if (deleted) this.changed();
    return deleted;
  }

  /** True (and one use consumed) when this read of a just-created profile should still miss. */
  consumeNotFoundRead(id: string): boolean {
    const left = this.pendingNotFound.get(key(id));
    if (!left) return false;
    if (left <= 1) this.pendingNotFound.delete(key(id));
    else this.pendingNotFound.set(key(id), left - 1);
    return true;
  }

  /** Replaces the assignment set of a profile. */
  replaceAssignments(profileId: string, assignments: Record<string, unknown>[]): Record<string, unknown>[] | undefined {
    const stored = this.deviceConfigurations.get(key(profileId));
    if (!stored) return undefined;
    stored.assignments = clone(assignments);
    this.changed();
    return clone(stored.assignments);
  }

  addAssignment(profileId: string, assignment: Record<string, unknown>): Record<string, unknown> | undefined {
    const stored = this.deviceConfigurations.get(key(profileId));
    if (!stored) return undefined;
    stored.assignments.push(clone(assignment));
    this.changed();
    return clone(assignment);
  }

  removeAssignment(profileId: string, assignmentId: string): boolean {
    const stored = this.deviceConfigurations.get(key(profileId));
    if (!stored) return false;
    const before = stored.assignments.length;
    stored.assignments = stored.assignments.filter((a) => key(String(a.id)) !== key(assignmentId));
    if (stored.assignments.length === before) return false;
    this.changed();
    return true;
  }

  // ---- role scope tags ----

  listRoleScopeTags(): Record<string, unknown>[] {
    return clone([...this.roleScopeTags.values()]);
  }

  getRoleScopeTag(id: string): Record<string, unknown> | undefined {
    const found = this.roleScopeTags.get(key(id));
    return found && clone(found);
  }

  addRoleScopeTag(values: Record<string, unknown>): Record<string, unknown> {
    const id = String(this.nextRoleScopeTagId++);
    const tag: Record<string, unknown> = { ...clone(values), id, isBuiltIn: false };
    this.roleScopeTags.set(id, tag);
    this.changed();
    return clone(tag);
  }

  updateRoleScopeTag(id: string, values: Record<string, unknown>): Record<string, unknown> | undefined {
    const tag = this.roleScopeTags.get(key(id));
    if (!tag) return undefined;
    Object.assign(tag, clone(values));
    this.changed();
    return clone(tag);
  }

  deleteRoleScopeTag(id: string): boolean {
    const deleted = this.roleScopeTags.delete(key(id));
    if (deleted) this.changed();
    return deleted;
  }

  // ---- derived credentials ----

  listDerivedCredentials(): Record<string, unknown>[] {
    return clone([...this.derivedCredentials.values()]);
  }

  getDerivedCredential(id: string): Record<string, unknown> | undefined {
    const found = this.derivedCredentials.get(key(id));
    return found && clone(found);
  }

  addDerivedCredential(values: Record<string, unknown>): Record<string, unknown> {
    const id = crypto.randomUUID();
    const entity: Record<string, unknown> = { "@odata.type": "#microsoft.graph.deviceManagementDerivedCredentialSettings", ...clone(values), id };
    this.derivedCredentials.set(key(id), entity);
    this.changed();
    return clone(entity);
  }

  updateDerivedCredential(id: string, values: Record<string, unknown>): Record<string, unknown> | undefined {
    const found = this.derivedCredentials.get(key(id));
    if (!found) return undefined;
    Object.assign(found, clone(values));
    this.changed();
    return clone(found);
  }

  deleteDerivedCredential(id: string): boolean {
    const deleted = this.derivedCredentials.delete(key(id));
    if (deleted) this.changed();
    return deleted;
  }

  // ---- groups ----

  listGroups(): StoredGroup[] {
    return clone([...this.groups.values()]);
  }

  getGroup(id: string): StoredGroup | undefined {
    const found = this.groups.get(key(id));
    return found && clone(found);
  }

  /** Adds (or replaces) a directory group. */
  addGroup(seed: GroupSeed): StoredGroup {
    const group = groupEntity(seed);
    this.groups.set(key(seed.id), group);
    this.changed();
    return clone(group);
  }
}
