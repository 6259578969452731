// A restartable polling loop: runs `tick` now and then every `pollMs` after the previous tick
// ended, never two ticks at once; `wake()` asks for a tick as soon as the current one ends.
// The job runner and the webhook dispatcher both run on one.
export class PollLoop {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly pollMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = this.tick()
      .catch(this.onError)
      .finally(() => {
        this.current = null;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          // Unref'd: a polling loop alone does not keep a process alive.
          this.timer = setTimeout(() => this.wake(), this.pollMs);
          this.timer.unref();
        }
      });
  }

  /** Stops polling and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }
}
