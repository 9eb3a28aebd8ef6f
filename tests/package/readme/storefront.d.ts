// What the README's examples leave to the storefront's own code.
declare function getAnonymousToken(): Promise<string>;
declare function signIn(accessToken: string, refreshToken: string | undefined): void;
declare function showMessage(text: string): void;
declare function showResendForm(): void;
