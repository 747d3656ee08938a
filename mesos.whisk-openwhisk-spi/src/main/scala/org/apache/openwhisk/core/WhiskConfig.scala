// Compile-only declaration: the binary name and signatures of OpenWhisk master 1fae641a2b30, no behaviour.
// Never shipped; the invoker supplies the real class.
package org.apache.openwhisk.core

import java.io.File

import org.apache.openwhisk.common.Logging

class WhiskConfig(requiredProperties: Map[String, String],
                  optionalProperties: Set[String] = Set.empty,
                  propertiesFile: File = null,
                  env: Map[String, String] = sys.env)(implicit logging: Logging) {
  def wskApiHost: String = ""
}
