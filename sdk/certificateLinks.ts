// Which platform a certificate object of this program has, known from the object that made the id:
// `trustedRootId: root.id` and `identityCertificateId: scep.id` carry no platform, and at preview the ids
// are not even known, so the platform rule (a root or certificate of the link's platform) is checked
// with what the program itself declared. One named table per program, keyed by the id outputs: it is
// filled by the constructors as the program declares its objects (program order, in the program's own
// process, like sdk/declared.ts), never by engine calls, and only read by later constructors of the same
// program; the provider gets its content as an explicit input (ProtocolKeys.linkedPlatforms).
import * as pulumi from "@pulumi/pulumi";

class CertificateLinkPlatforms {
  private readonly byId = new WeakMap<object, pulumi.Input<string>>();

  /** Records the platform of the object whose id output is `id`. */
  remember(id: pulumi.Output<string>, platform: pulumi.Input<string>): void {
    this.byId.set(id, platform);
  }

  /**
   * The platforms of the linked objects this program made (`{ trustedRootId: "iosIpados" }`), for the
   * provider's `check`; undefined when no link points at one of them (an id typed in, or looked up).
   */
  of(links: Record<string, pulumi.Input<string> | undefined>): pulumi.Output<Record<string, string>> | undefined {
    const known: Record<string, pulumi.Input<string>> = {};
    for (const [input, id] of Object.entries(links)) {
      const platform = id !== undefined && typeof id === "object" ? this.byId.get(id) : undefined;
      if (platform !== undefined) known[input] = platform;
    }
    return Object.keys(known).length > 0 ? pulumi.output(known) : undefined;
  }
}

/** The platforms of this program's trusted roots and certificate profiles. */
export const certificateLinkPlatforms = new CertificateLinkPlatforms();
