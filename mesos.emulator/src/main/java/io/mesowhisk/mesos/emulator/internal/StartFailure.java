package io.mesowhisk.mesos.emulator.internal;

/**
 * The emulator could not start because of one setting: the port is in use, the host cannot be bound, the work
 * directory cannot be used. {@link #setting()} names the builder setting ({@code host}, {@code port},
 * {@code workDir}), so that the command line can name its option; the message says what was wrong without it.
 */
public final class StartFailure extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    public StartFailure(String setting, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
