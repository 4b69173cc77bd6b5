// The contract every resource kind implements, typed by its inputs and outputs (the inputs' types come
// from the kind's zod schema). dispatch.ts adapts it to Pulumi's dynamic-provider methods: it passes
// the run first, like every other call that needs state from outside (see run.ts).
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderRun } from "../run";

/** What `check` returns: the normalised inputs when valid, otherwise the raw inputs and the failures. */
export interface CheckResult<Inputs> {
  readonly inputs: Inputs | Record<string, unknown>;
  readonly failures?: readonly pulumi.dynamic.CheckFailure[];
}

/** What `read` returns: `id: ""` when the object is gone. */
export interface ReadResult<Inputs, Outputs> {
  readonly id: string;
  readonly props?: Outputs;
  /** The inputs as the tenant has them now, so refresh shows drift against what was declared. */
  readonly inputs?: Inputs;
}

/**
 * One resource kind. `check` receives what the engine has (prior inputs, new raw inputs: unvalidated,
 * possibly from an older version) and validates; every other method receives what `check` produced
 * and what the kind's own methods returned as outputs.
 */
export interface ResourceHandler<Inputs, Outputs> {
  check(run: ProviderRun, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult<Inputs>>;
  diff(run: ProviderRun, id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult>;
  create(run: ProviderRun, inputs: Inputs): Promise<{ id: string; outs: Outputs }>;
  read(run: ProviderRun, id: string, props: Outputs): Promise<ReadResult<Inputs, Outputs>>;
  update(run: ProviderRun, id: string, olds: Outputs, news: Inputs): Promise<{ outs: Outputs }>;
  delete(run: ProviderRun, id: string, props: Outputs): Promise<void>;
}
