/**
 * OpenWhisk's side of the project: the {@code whisk.mesos} configuration as a live, validated snapshot
 * ({@link io.mesowhisk.whisk.WhiskMesosConfig}); the container factory builds on it.
 */
@Export
@Version("0.1.0")
package io.mesowhisk.whisk;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
