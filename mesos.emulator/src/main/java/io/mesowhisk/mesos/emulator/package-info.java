/**
 * An in-JVM Apache Mesos master and agents that behave like real Mesos, for tests, local mode and load tests.
 */
@Export
@Version("1.1.0")
package io.mesowhisk.mesos.emulator;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
