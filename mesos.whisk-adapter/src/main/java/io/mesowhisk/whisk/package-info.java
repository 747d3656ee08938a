/**
 * OpenWhisk's side of the project: the {@code whisk.mesos} configuration as a live, validated snapshot
 * ({@link io.mesowhisk.whisk.WhiskMesosConfig}), and OpenWhisk's container factory on Mesos ({@link
 * io.mesowhisk.whisk.WhiskContainerFactory}, {@link io.mesowhisk.whisk.WhiskContainer}) that the invoker plug-in
 * adapts to OpenWhisk's Scala SPI.
 */
@Export
@Version("0.3.0")
package io.mesowhisk.whisk;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
