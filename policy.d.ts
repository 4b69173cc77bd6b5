export * from "./dist/policy";
