export function TargetingPage() {
  return null;
}
