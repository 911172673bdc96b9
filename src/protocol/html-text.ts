// Text from outside (a provider's error description, a client id, a claim) inside HTML: the five
// characters that could end an element or an attribute become character references.
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
