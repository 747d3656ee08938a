package org.apache.openwhisk.core.mesos;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.apache.openwhisk.core.containerpool.ContainerFactoryProvider;
import org.junit.jupiter.api.Test;

/** Loads the provider as OpenWhisk's SpiLoader does: the configured class name plus "$", its static MODULE$. */
class SpiLoadingTest {

    @Test
    void theProviderIsAScalaObjectImplementingTheSpi() throws Exception {
        String configured = "org.apache.openwhisk.core.mesos.MesosContainerFactoryProvider";
        Class<?> type = Class.forName(configured + "$", true, getClass().getClassLoader());
        Field module = type.getField("MODULE$");
        assertTrue(Modifier.isStatic(module.getModifiers()) && Modifier.isFinal(module.getModifiers()));
        Object provider = module.get(null);
        assertInstanceOf(ContainerFactoryProvider.class, provider);
        assertSame(provider, type.getField("MODULE$").get(null));
    }
}
