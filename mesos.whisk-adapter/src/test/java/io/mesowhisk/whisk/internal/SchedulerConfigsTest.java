package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each subscription and scheduler key reaches the scheduler as the setting that acts on it. */
class SchedulerConfigsTest {

    private static SchedulerConfigs configs(Object... keyValues) {
        Map<String, Sourced> layer = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            layer.put((String) keyValues[i], new Sourced(keyValues[i + 1], "test"));
        }
        WhiskMesosSettings s = SettingsParser.parse(List.of(layer));
        return SchedulerConfigs.of(s, s.localMode() ? List.of(URI.create("http://127.0.0.1:5050")) : s.masterUrls());
    }

    @Test
    void everyKeyReachesItsSetting() {
        SchedulerConfigs c = configs("master-url", "http://m1:5050,http://m2:5050", "role", "whisk",
                "timeouts.failover", "7 days", "teardown-on-exit", "false", "offer-refuse-duration", "9 seconds",
                "heartbeat-max-failures", "4", "timeouts.task-launch", "50 seconds", "timeouts.subscribe",
                "12 seconds", "timeouts.teardown", "40 seconds", "principal", "ow", "secret", "pw", "encoding", "json",
                "framework-name", "fw", "user", "nobody");
        assertEquals(List.of(URI.create("http://m1:5050"), URI.create("http://m2:5050")), c.client().masters());
        assertEquals("whisk", c.framework().role());
        assertEquals(Duration.ofDays(7), c.framework().failoverTimeout());
        assertFalse(c.scheduler().teardownOnStop());
        assertEquals(Duration.ofSeconds(9), c.scheduler().offerRefuse());
        assertEquals(4, c.client().heartbeatMaxFailures());
        assertEquals(Duration.ofSeconds(50), c.scheduler().launchTimeout());
        assertEquals(Duration.ofSeconds(12), c.client().requestTimeout());
        assertEquals(Duration.ofSeconds(40), c.scheduler().stopTimeout());
        assertEquals(Optional.of("ow"), c.client().principal());
        assertEquals(Optional.of("pw"), c.client().secret());
        assertEquals(Optional.of("ow"), c.framework().principal());
        assertEquals(Encoding.JSON, c.client().encoding());
        assertEquals("fw", c.framework().name());
        assertEquals("nobody", c.framework().user());
        assertTrue(configs().scheduler().teardownOnStop(), "teardown-on-exit defaults to true");
    }

    @Test
    void whatNeedsANewSubscription() {
        SchedulerConfigs base = configs("master-url", "http://m1:5050");
        assertFalse(configs("master-url", "http://m1:5050", "offer-refuse-duration", "1 second").resubscribes(base));
        assertFalse(configs("master-url", "http://m1:5050", "constraints", "a LIKE b").resubscribes(base));
        assertTrue(configs("master-url", "http://m2:5050").resubscribes(base));
        assertTrue(configs("master-url", "http://m1:5050", "role", "r").resubscribes(base));
        assertTrue(configs("master-url", "http://m1:5050", "principal", "p", "secret", "s").resubscribes(base));
        assertTrue(configs("master-url", "http://m1:5050", "principal", "p", "secret", "s2")
                .resubscribes(configs("master-url", "http://m1:5050", "principal", "p", "secret", "s")));
    }

    @Test
    void configWhiskMesosVariablesReachTheScheduler() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(new io.mesowhisk.mesos.constraints.internal
                .ConstraintRegistry(), Map.of(), Map.of("CONFIG_whisk_mesos_masterUrl", "http://m9:5050",
                "CONFIG_whisk_mesos_frameworkName", "from-env", "CONFIG_whisk_mesos_timeouts_taskLaunch", "33 seconds",
                "CONFIG_whisk_mesos_heartbeatMaxFailures", "7"), new java.util.Properties());
        SchedulerConfigs configs = SchedulerConfigs.of(c.current(), c.current().masterUrls());
        assertEquals(List.of(URI.create("http://m9:5050")), configs.client().masters());
        assertEquals("from-env", configs.framework().name());
        assertEquals(Duration.ofSeconds(33), configs.scheduler().launchTimeout());
        assertEquals(7, configs.client().heartbeatMaxFailures());
    }
}
