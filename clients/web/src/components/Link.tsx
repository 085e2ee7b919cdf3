import type { ComponentChildren } from "preact";
import { follow } from "../router";

export function Link({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a href={href} onClick={follow}>
      {children}
    </a>
  );
}
