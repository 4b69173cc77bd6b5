/** Graph beta collection of every device configuration (e-mail, certificate and trusted-root profiles). */
export const profilesPath = "/deviceManagement/deviceConfigurations";
