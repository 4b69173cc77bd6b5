// Which platform a certificate object of this program has, known from the object that made the id:
// `trustedRootId: root.id` and `identityCertificateId: scep.id` carry no platform, and at preview the ids
// are not even known, so the platform rule (a root or certificate of the link's platform) is checked
// with what the program itself declared. One named table per program, keyed by the id outputs.
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

/** The hidden input that carries them (provider/certificates/inputs.ts `LINKED_PLATFORM_KEY`). */
export const LINKED_PLATFORMS_INPUT = "__linkedPlatforms";
