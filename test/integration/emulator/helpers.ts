// Fixtures shared by the emulator's integration tests (the emulator itself: test/support/testEmulator.ts).

export const IOS = "#microsoft.graph.iosEasEmailProfileConfiguration";

export function iosProfile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@odata.type": IOS,
    displayName: "iOS mail",
    hostName: "outlook.office365.com",
    accountName: "Corporate mail",
    durationOfEmailToSync: "oneMonth",
    emailAddressSource: "primarySmtpAddress",
    requireSsl: true,
    easServices: "email,calendars,contacts",
    ...extra,
  };
}

export function assertGraphError(r: { status: number; body: any; headers?: Record<string, unknown> }, status: number, code: string, message?: RegExp): void {
  if (r.status !== status || r.body?.error?.code !== code || (message && !message.test(r.body.error.message))) {
    throw new Error(`expected ${status} ${code} ${message ?? ""}, got ${r.status} ${JSON.stringify(r.body)}`);
  }
  const inner = r.body.error.innerError;
  if (!inner?.["request-id"] || !inner?.date || !inner?.["client-request-id"]) throw new Error(`innerError incomplete: ${JSON.stringify(r.body)}`);
}
