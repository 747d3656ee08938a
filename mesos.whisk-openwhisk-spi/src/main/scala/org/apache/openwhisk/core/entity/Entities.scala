// Compile-only declaration: the binary name and signatures of OpenWhisk master 1fae641a2b30, no behaviour.
// Never shipped; the invoker supplies the real class.
package org.apache.openwhisk.core.entity

object SizeUnits extends Enumeration {
  sealed abstract class Unit() {
    def toBytes(n: Long): Long
    def toKBytes(n: Long): Long
    def toMBytes(n: Long): Long
    def toGBytes(n: Long): Long
  }
  case object BYTE extends Unit {
    def toBytes(n: Long): Long = n
    def toKBytes(n: Long): Long = n / 1024
    def toMBytes(n: Long): Long = n / 1024 / 1024
    def toGBytes(n: Long): Long = n / 1024 / 1024 / 1024
  }
  case object KB extends Unit {
    def toBytes(n: Long): Long = n * 1024
    def toKBytes(n: Long): Long = n
    def toMBytes(n: Long): Long = n / 1024
    def toGBytes(n: Long): Long = n / 1024 / 1024
  }
  case object MB extends Unit {
    def toBytes(n: Long): Long = n * 1024 * 1024
    def toKBytes(n: Long): Long = n * 1024
    def toMBytes(n: Long): Long = n
    def toGBytes(n: Long): Long = n / 1024
  }
  case object GB extends Unit {
    def toBytes(n: Long): Long = n * 1024 * 1024 * 1024
    def toKBytes(n: Long): Long = n * 1024 * 1024
    def toMBytes(n: Long): Long = n * 1024
    def toGBytes(n: Long): Long = n
  }
}

case class ByteSize(size: Long, unit: SizeUnits.Unit) extends Ordered[ByteSize] {
  def toBytes: Long = unit.toBytes(size)
  def toKB: Long = unit.toKBytes(size)
  def toMB: Long = unit.toMBytes(size)
  def toGB: Long = unit.toGBytes(size)
  def compare(other: ByteSize): Int = toBytes.compare(other.toBytes)
}

case class InvokerInstanceId(instance: Int,
                             uniqueName: Option[String] = None,
                             displayedName: Option[String] = None,
                             userMemory: ByteSize) {
  def toInt: Int = instance
}

object ExecManifest {
  protected[core] case class ImageName(name: String,
                                       registry: Option[String] = None,
                                       prefix: Option[String] = None,
                                       tag: Option[String] = None) {

    /** As OpenWhisk: [registry/][prefix/]name[:tag], the image's own registry before the system registry. */
    def resolveImageName(systemRegistry: Option[String] = None): String = {
      val r = registry.orElse(systemRegistry).filter(_.nonEmpty).map(_.stripSuffix("/") + "/").getOrElse("")
      val p = prefix.filter(_.nonEmpty).map(_ + "/").getOrElse("")
      r + p + name + tag.filter(_.nonEmpty).map(":" + _).getOrElse("")
    }
  }
}

class WhiskAction
class ExecutableWhiskAction
class ActivationResponse
