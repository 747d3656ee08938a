package io.mesowhisk.whisk;

import java.util.Objects;

/**
 * Why a container could not be created or used. The {@link #kind()} tells the invoker whose fault it is and what to
 * do: OpenWhisk maps {@link Kind#WHISK_STARTUP} to a system error, {@link Kind#BLACKBOX_STARTUP} and {@link
 * Kind#INITIALIZATION} to developer errors, and re-queues on {@link Kind#CLUSTER_RESOURCES}.
 */
public class ContainerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Whose fault, and what the invoker should make of it. */
    public enum Kind {
        /**
         * No agent offered enough resources that satisfy the constraints; nothing was started. The message says
         * what was asked and what was offered. Not a failure of the action: try again later.
         */
        CLUSTER_RESOURCES,
        /** A user-provided (blackbox) image could not be pulled or started: the developer's fault. */
        BLACKBOX_STARTUP,
        /** A managed runtime image could not be started: the system's fault. */
        WHISK_STARTUP,
        /** The action proxy refused or failed {@code /init}. */
        INITIALIZATION,
        /** The factory or its scheduler stopped (cleanup, configuration removed). */
        STOPPED
    }

    private final Kind kind;

    /** An exception of the given kind with a message naming what failed. */
    public ContainerException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** An exception of the given kind with a message naming what failed and its cause. */
    public ContainerException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Whose fault it is. */
    public Kind kind() {
        return kind;
    }
}
