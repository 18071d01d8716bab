/**
 * Customer service windows: 24 h after a user's last message to a business number, that number may
 * send free-form (non-template) messages to the user. Outside it, text sends fail with 131047.
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export class ServiceWindows {
  private readonly lastInboundAt = new Map<string, number>();

  open(phoneNumberId: string, waId: string, at: number): void {
    this.lastInboundAt.set(`${phoneNumberId}:${waId}`, at);
  }

  isOpen(phoneNumberId: string, waId: string, now: number): boolean {
    const at = this.lastInboundAt.get(`${phoneNumberId}:${waId}`);
    return at !== undefined && now - at < SERVICE_WINDOW_MS;
  }

  clear(): void {
    this.lastInboundAt.clear();
  }
}
