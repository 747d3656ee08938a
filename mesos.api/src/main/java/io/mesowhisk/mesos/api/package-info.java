/**
 * Client of the Mesos v1 scheduler HTTP API.
 */
@Export
@Version("1.0.0")
package io.mesowhisk.mesos.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
