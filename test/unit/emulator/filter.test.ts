import * as assert from "assert";
import { evaluateFilter, parseFilter } from "../../../emulator/filter";
import { isEmulatorHttpError } from "../../../emulator/errors";

const items = [
  { "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", displayName: "iOS mail", version: 3, roleScopeTagIds: ["0", "2"] },
  { "@odata.type": "#microsoft.graph.iosPkcsCertificateProfile", displayName: "iOS cert", version: 1, roleScopeTagIds: ["0"] },
  { "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration", displayName: "It's Windows", version: 2, roleScopeTagIds: [] },
];
const isOf = (item: Record<string, unknown>, type: string) => String(item["@odata.type"]) === `#${type}`;
const names = (filter: string) => items.filter((i) => evaluateFilter(parseFilter(filter), i, isOf)).map((i) => i.displayName);

describe("emulator $filter", () => {
  it("supports isof, eq (case-insensitive), and, or, not and parentheses", () => {
    assert.deepStrictEqual(names("isof('microsoft.graph.iosEasEmailProfileConfiguration')"), ["iOS mail"]);
    assert.deepStrictEqual(names("displayName eq 'IOS CERT'"), ["iOS cert"]);
    assert.deepStrictEqual(names("isof('microsoft.graph.iosEasEmailProfileConfiguration') and displayName eq 'iOS mail'"), ["iOS mail"]);
    assert.deepStrictEqual(names("isof('microsoft.graph.iosEasEmailProfileConfiguration') and displayName eq 'other'"), []);
    assert.deepStrictEqual(names("(version eq 1 or version gt 2) and not (displayName eq 'iOS cert')"), ["iOS mail"]);
  });

  it("handles doubled quotes, functions and any() lambdas", () => {
    assert.deepStrictEqual(names("displayName eq 'It''s Windows'"), ["It's Windows"]);
    assert.deepStrictEqual(names("startswith(displayName,'ios')"), ["iOS mail", "iOS cert"]);
    assert.deepStrictEqual(names("roleScopeTagIds/any(t:t eq '2')"), ["iOS mail"]);
  });

  it("rejects syntax it does not understand with a 400", () => {
    for (const bad of ["displayName eq", "displayName like 'x'", "length(displayName) eq 3", "displayName eq 'open", "(version eq 1"]) {
      assert.throws(() => parseFilter(bad), (e: unknown) => isEmulatorHttpError(e) && e.statusCode === 400 && /Invalid filter clause/.test(e.message), bad);
    }
  });
});
