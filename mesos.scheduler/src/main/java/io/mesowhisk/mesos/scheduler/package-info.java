/**
 * The Mesos framework side of the project: what a framework is ({@link io.mesowhisk.mesos.scheduler.FrameworkSettings})
 * and, as later work lands, its subscription, offer and task state machine.
 */
@Export
@Version("0.1.0")
package io.mesowhisk.mesos.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
