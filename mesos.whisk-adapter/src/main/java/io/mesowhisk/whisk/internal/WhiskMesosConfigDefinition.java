package io.mesowhisk.whisk.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of PID {@code whisk.mesos}: what the Web Console and other ConfigAdmin tools show. Method names map to
 * OpenWhisk's keys ({@code $_$} is {@code -}, {@code _} is {@code .}). Every setting is validated and published
 * live; the descriptions say which consumers act on a change at once and which on the next subscription.
 */
@ObjectClassDefinition(id = "whisk.mesos", name = "OpenWhisk on Mesos",
        description = "The whisk.mesos settings of OpenWhisk's Mesos container factory. Lower precedence: "
                + "CONFIG_whisk_mesos_* environment variables and -Dwhisk.mesos.* system properties. "
                + "An invalid update is refused and the last good settings stay in force.")
@interface WhiskMesosConfigDefinition {

    @AttributeDefinition(name = "Master URL", required = false,
            description = "Mesos master HTTP endpoint(s), comma-separated, tried in turn (leader redirects are "
                    + "followed). Empty: local mode with the embedded Mesos emulator. Applies on the next subscription.")
    String master$_$url() default "";

    @AttributeDefinition(name = "Public master URL", required = false,
            description = "Mesos master URL shown to users in log messages (alias: master-url-public). "
                    + "Default: the first master URL. Applies live.")
    String master$_$public$_$url() default "";

    @AttributeDefinition(name = "Role", description = "Mesos framework role. Applies on the next subscription.")
    String role() default "*";

    @AttributeDefinition(name = "Failover timeout",
            description = "How long Mesos keeps the framework's tasks after it disconnects, e.g. \"7 days\" "
                    + "(alias: failover-timeout-seconds, a number of seconds). Applies on the next subscription.")
    String timeouts_failover() default "0 seconds";

    @AttributeDefinition(name = "Mesos link log message",
            description = "Answer logs() with a link to the Mesos UI when logs are not collected. Applies live.")
    boolean mesos$_$link$_$log$_$message() default true;

    @AttributeDefinition(name = "Constraints", required = false, cardinality = 100,
            description = "Placement constraints for managed images, e.g. \"zone LIKE us-east-.*\". Applies live.")
    String[] constraints() default {};

    @AttributeDefinition(name = "Blackbox constraints", required = false, cardinality = 100,
            description = "Placement constraints for blackbox (user-provided) images. Applies live.")
    String[] blackbox$_$constraints() default {};

    @AttributeDefinition(name = "Constraint delimiter",
            description = "Delimiter between attribute, operator and value. Applies live.")
    String constraint$_$delimiter() default " ";

    @AttributeDefinition(name = "Teardown on exit",
            description = "Tear the framework down on shutdown; false for HA deployments. Applies live.")
    boolean teardown$_$on$_$exit() default true;

    @AttributeDefinition(name = "Offer refuse duration",
            description = "refuse_seconds sent with declined offers. Applies live.")
    String offer$_$refuse$_$duration() default "5 seconds";

    @AttributeDefinition(name = "Heartbeat max failures",
            description = "Missed heartbeats after which the subscription is declared dead and renewed. "
                    + "Applies on the next subscription.")
    int heartbeat$_$max$_$failures() default 2;

    @AttributeDefinition(name = "Task launch timeout", description = "Applies live.")
    String timeouts_task$_$launch() default "45 seconds";

    @AttributeDefinition(name = "Task delete timeout", description = "Applies live.")
    String timeouts_task$_$delete() default "30 seconds";

    @AttributeDefinition(name = "Subscribe timeout", description = "Applies on the next subscription.")
    String timeouts_subscribe() default "10 seconds";

    @AttributeDefinition(name = "Teardown timeout", description = "Applies live.")
    String timeouts_teardown() default "30 seconds";

    @AttributeDefinition(name = "Health check enabled",
            description = "Give action containers a Mesos TCP health check. Applies to containers created later.")
    boolean health$_$check_enabled() default true;

    @AttributeDefinition(name = "Health check port index", description = "Applies to containers created later.")
    int health$_$check_port$_$index() default 0;

    @AttributeDefinition(name = "Health check delay", description = "Applies to containers created later.")
    String health$_$check_delay() default "0 seconds";

    @AttributeDefinition(name = "Health check interval", description = "Applies to containers created later.")
    String health$_$check_interval() default "1 second";

    @AttributeDefinition(name = "Health check timeout", description = "Applies to containers created later.")
    String health$_$check_timeout() default "1 second";

    @AttributeDefinition(name = "Health check grace period", description = "Applies to containers created later.")
    String health$_$check_grace$_$period() default "25 seconds";

    @AttributeDefinition(name = "Health check max consecutive failures",
            description = "Applies to containers created later.")
    int health$_$check_max$_$consecutive$_$failures() default 3;

    @AttributeDefinition(name = "Principal", required = false,
            description = "Principal for HTTP Basic authentication to the master. Applies on the next subscription.")
    String principal() default "";

    @AttributeDefinition(name = "Secret", required = false, type = AttributeType.PASSWORD,
            description = "Secret for HTTP Basic authentication; never logged or shown. "
                    + "Applies on the next subscription.")
    String secret() default "";

    @AttributeDefinition(name = "Encoding", options = {@Option(label = "protobuf", value = "protobuf"),
            @Option(label = "json", value = "json")},
            description = "Scheduler API encoding. Applies on the next subscription.")
    String encoding() default "protobuf";

    @AttributeDefinition(name = "Framework name", description = "Applies on the next subscription.")
    String framework$_$name() default "whisk-containerfactory-framework";

    @AttributeDefinition(name = "User", description = "Unix user tasks run as. Applies on the next subscription.")
    String user() default "root";

    @AttributeDefinition(name = "Docker failure retries",
            description = "Retries of a container whose docker run or pull failed. Applies live.")
    int docker$_$failure$_$retries() default 3;
}
