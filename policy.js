// `require("pulumi-intune/policy")`: the policy pack module (built into dist/policy).
module.exports = require("./dist/policy");
