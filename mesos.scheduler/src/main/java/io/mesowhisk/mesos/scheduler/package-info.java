/**
 * A Mesos framework engine for the JVM: {@link io.mesowhisk.mesos.scheduler.MesosScheduler} subscribes to the
 * leading master, keeps the subscription alive across stream loss and master failover with a persisted framework
 * id ({@link io.mesowhisk.mesos.scheduler.FrameworkIdStore}), matches offers to pending tasks, launches
 * {@link io.mesowhisk.mesos.scheduler.LaunchRequest}s, acknowledges every status update once, reconciles, and
 * tells each task's owner when it ends. {@link io.mesowhisk.mesos.scheduler.FrameworkSettings} says what the
 * framework tells Mesos about itself, {@link io.mesowhisk.mesos.scheduler.SchedulerSettings} how the engine behaves.
 *
 * <p>Use it as plain Java ({@link io.mesowhisk.mesos.scheduler.MesosScheduler#builder()}) or, in OSGi, through the
 * {@link io.mesowhisk.mesos.scheduler.MesosSchedulerFactory} service.
 */
@Export
@Version("0.4.0")
package io.mesowhisk.mesos.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
