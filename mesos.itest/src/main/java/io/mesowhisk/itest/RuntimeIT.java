package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** Every bundle of the runtime resolves and starts, and every DS component of ours becomes active. */
class RuntimeIT {

    private final OsgiContext osgi = new OsgiContext();

    @AfterEach
    void close() {
        osgi.close();
    }

    @Test
    void everyBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        Set<String> ours = new TreeSet<>();
        for (Bundle b : osgi.bundleContext().getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                notActive.add(b.getSymbolicName() + " (state " + b.getState() + ")");
            }
            if (b.getSymbolicName().startsWith("mesos.")) {
                ours.add(b.getSymbolicName());
            }
        }
        assertEquals(List.of(), notActive);
        assertTrue(ours.containsAll(Set.of("mesos.api", "mesos.scheduler", "mesos.whisk-adapter", "mesos.itest")),
                ours.toString());
    }

    @Test
    void everyComponentOfOursBecomesActive() {
        ServiceComponentRuntime scr = osgi.service(ServiceComponentRuntime.class);
        List<ComponentDescriptionDTO> ours = new ArrayList<>();
        for (Bundle b : osgi.bundleContext().getBundles()) {
            if (b.getSymbolicName().startsWith("mesos.")) {
                ours.addAll(scr.getComponentDescriptionDTOs(b));
            }
        }
        assertTrue(ours.size() >= 2, "components found: " + ours.size());
        for (ComponentDescriptionDTO description : ours) {
            // a delayed component is activated by its first user: be that user
            for (String type : description.serviceInterfaces) {
                ServiceReference<?> ref = Await.value("service " + type + " of " + description.name,
                        Duration.ofSeconds(10), () -> osgi.bundleContext().getServiceReference(type));
                assertTrue(osgi.bundleContext().getService(ref) != null, type);
            }
            Await.until(description.name + " ACTIVE", Duration.ofSeconds(10), () -> {
                var configurations = scr.getComponentConfigurationDTOs(description);
                return !configurations.isEmpty() && configurations.stream()
                        .allMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE);
            });
        }
    }
}
