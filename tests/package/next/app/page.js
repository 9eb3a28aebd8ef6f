import Activate from "./activate";

export default function Page() {
  return (
    <main>
      <h1>Activate your account</h1>
      <Activate />
    </main>
  );
}
